"""What `name_format` may bring into an ECR repository name: the project and environment it uses.

https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html: a repository name
holds lowercase letters, digits, and . _ - / only (the whole name is checked by
`ecrgen.rules.names.repository_name`; a part with other characters can never give a valid name).
"""

from __future__ import annotations

import re

from ecrgen.errors import show
from ecrgen.rules import Found

NAME_CHARACTERS = re.compile(r"[a-z0-9._/-]*")


def check_name_part(value: str) -> Found:
    """A value that name_format puts into every repository name."""
    if NAME_CHARACTERS.fullmatch(value):
        return []
    return [
        (
            "",
            f"{show(value)} is used in name_format but cannot be part of an ECR "
            f"repository name (lowercase letters, digits, and . _ - / only)",
        )
    ]
