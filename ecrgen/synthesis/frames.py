"""The worker-to-parent channel: frames that cannot tear unnoticed.

A frame is a header line `ECRGEN-FRAME 1 <length> <sha256>` followed by exactly `<length>` bytes whose
SHA-256 is `<sha256>`. The payload is a JSON object {account: {"text": ..., "sha256": ...}}: the parent
checks the frame (length and digest) and then every account's text against its own digest before any
of it reaches the writer. A worker sends one frame per account, one after the other (`read` takes them
as they come, so the parent holds one account's text at a time, not a batch's). The writer side loops
over `os.write`, which may write fewer bytes than asked (a pipe under a signal, an unbuffered stream): a
short write is continued, never dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from typing import BinaryIO

MAGIC = b"ECRGEN-FRAME 1"


class TornFrame(ValueError):
    """The bytes read are not one whole, intact frame (cut short, extended, or altered)."""


def digest(data: bytes | memoryview) -> str:
    """The SHA-256 of `data`, hexadecimal."""
    return hashlib.sha256(data).hexdigest()


def encode(texts: dict[str, str]) -> bytes:
    """The frame carrying every account's text, each with its own digest."""
    payload = json.dumps(
        {name: {"text": text, "sha256": digest(text.encode())} for name, text in texts.items()},
        ensure_ascii=False,
    ).encode()
    return b"%s %d %s\n" % (MAGIC, len(payload), digest(payload).encode()) + payload


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of `data` to `fd`, continuing after short writes."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read(stream: BinaryIO) -> Iterator[dict[str, str]]:
    """Every frame on `stream` until it ends, each checked (its length, its SHA-256 and each account's
    text's) as it arrives; a frame cut short (the stream ends inside it) is a TornFrame."""
    while header := stream.readline(HEADER_LIMIT):
        if not header.endswith(b"\n"):
            raise TornFrame(f"no frame header (got {header[:60]!r})")
        length = _length(header[:-1])
        yield _checked(header[:-1], memoryview(stream.read(length)))


HEADER_LIMIT = 200  # a header is ~100 bytes: a longer first line is no header


def _length(header: bytes) -> int:
    parts = header.split(b" ")
    if len(parts) != 4 or b" ".join(parts[:2]) != MAGIC or not parts[2].isdigit():
        raise TornFrame(f"no frame header (got {header[:60]!r})")
    return int(parts[2])


def _checked(header: bytes, payload: memoryview) -> dict[str, str]:
    """The texts of one frame, its header (without the newline) and its payload as they arrived."""
    length = _length(header)
    if len(payload) != length:
        raise TornFrame(f"{len(payload)} bytes arrived, the frame announced {length}")
    if digest(payload) != header.split(b" ")[3].decode(errors="replace"):
        raise TornFrame("the bytes differ from the frame's SHA-256")
    texts: dict[str, str] = {}
    for name, entry in json.loads(str(payload, "utf-8")).items():
        if digest(entry["text"].encode()) != entry["sha256"]:
            raise TornFrame(f"the text of {name} differs from its SHA-256")
        texts[name] = entry["text"]
    return texts
