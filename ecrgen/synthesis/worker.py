"""A synthesis worker: `python -O -m ecrgen.synthesis.worker` starts CDKTF and Node at once, then reads the
validated accounts, their policies rendered (pickled by the parent ecrgen process), from stdin and
prints {account: JSON text}.

Run with -O: the provider bindings' runtime type checks sit under `if __debug__:` and cost about a
third of synthesis time; ecrgen has validated every value before it reaches them. Starting before
the parent has finished validating overlaps Node's start-up with that validation.
"""

from __future__ import annotations

import json
import pickle
import sys


def main() -> None:
    """Read the pickled accounts from stdin, print their JSON texts as one JSON object."""
    from ecrgen import stack  # starts Node and loads the provider assembly now
    from ecrgen.synthesis import render

    accounts = pickle.load(sys.stdin.buffer)
    json.dump(render.render(accounts, stack.AccountStack), sys.stdout)


if __name__ == "__main__":
    main()
