"""A synthesis worker: `python -O -m ecrgen.worker ACCOUNTS_DIR NAME...` prints {account: JSON text}.

Run with -O: the provider bindings' runtime type checks sit under `if __debug__:` and cost about a
third of synthesis time; ecrgen has validated every value before it reaches them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ecrgen import api


def main(argv: list[str]) -> None:
    accounts_dir, names = Path(argv[0]), argv[1:]
    json.dump(api.render_texts(accounts_dir, names), sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
