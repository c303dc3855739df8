"""A synthesis worker: `python -O -m ecrgen.synthesis.worker` starts CDKTF and Node at once, then reads
the validated accounts, their policies rendered (pickled by the parent ecrgen process, `pool.unpack`),
from stdin and sends each account's JSON text back as a frame of its own (`ecrgen.synthesis.frames`)
on what was its stdout.

Run with -O: CDKTF's and the provider bindings' runtime type checks sit under `if __debug__:` (since issue
24 only the provider block still goes through a binding, so this now saves little); ecrgen has validated
every value before it reaches them. Starting before
the parent has finished validating overlaps Node's start-up with that validation.
"""

from __future__ import annotations

import os
import signal
import sys

from ecrgen import bytecode
from ecrgen.synthesis import frames


def main() -> None:
    """Read the pickled accounts from stdin, send their JSON texts back, a frame each. The channel is a
    copy of the stdout file descriptor; stdout itself now goes to stderr, so that nothing else printed
    (a library, Node) can land inside the frame. Ctrl-C, which the terminal sends to the whole process
    group, is the parent's to handle (one line, exit 130, then it stops its workers): a worker ignores it,
    so that it never prints a traceback of its own, in its work or in its shutdown."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = os.dup(1)
    os.dup2(2, 1)
    from ecrgen import stack  # starts Node and loads the provider assembly now
    from ecrgen.synthesis import pool, render

    accounts = pool.unpack(sys.stdin.buffer.read())
    for name, text in render.render(accounts, stack.AccountStack).items():  # one frame per account
        frames.write_all(channel, frames.encode({name: text}))
    os.close(channel)
    bytecode.write_missing()  # the `.opt-1.pyc` the next worker reads (this one runs under -O)


if __name__ == "__main__":
    main()
