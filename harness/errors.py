"""Exit codes and the error types every layer raises; imported by all, importing nothing of golive's."""

from __future__ import annotations

EXIT_READY = 0
EXIT_NOT_READY = 1
EXIT_INCONCLUSIVE = 2
EXIT_USAGE = 3
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Bad command-line use or configuration: exit 3 with this one-line message."""


class ConfigError(Exception):
    """A configuration that cannot be used; the message is one line a user can act on.

    `problems` lists each problem on its own, without the sources, so a caller checking several layers (the file
    and each of its profiles) can say every problem once.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems or (message,)


class GatherError(Exception):
    """A suite could not make its measurement; the message is one line naming what to fix."""
