"""Progress of multi-account synthesis: a Rich bar on a terminal, plain lines elsewhere (CI logs)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecrgen.commands import Progress


class Lines:
    """One line when synthesis starts, one per account built."""

    def start(self, total: int, message: str) -> None:
        """The line that says what is about to happen."""
        print(message, file=sys.stderr, flush=True)

    def done(self, accounts: list[str]) -> None:
        """One line per account built."""
        for account in accounts:
            print(f"  built {account}", file=sys.stderr, flush=True)


class Bar:
    """A transient Rich progress bar on stderr over the accounts being synthesized (stdout is data)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress as RichProgress

        self.bar = RichProgress(console=Console(stderr=True), transient=True)
        self.task: Any = None

    def start(self, total: int, message: str) -> None:
        """Show the bar, empty."""
        self.bar.start()
        self.task = self.bar.add_task(message, total=total)

    def done(self, accounts: list[str]) -> None:
        """Advance the bar by these accounts."""
        self.bar.advance(self.task, len(accounts))

    def close(self) -> None:
        """Remove the bar (it is transient)."""
        self.bar.stop()


def for_terminal() -> Progress:
    """A bar when stderr (where progress goes) is a terminal, plain lines otherwise."""
    return Bar() if sys.stderr.isatty() else Lines()
