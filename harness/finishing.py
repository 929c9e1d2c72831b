"""Finishing a run whose suites are done: a first Ctrl-C or SIGTERM waits until everything is written.

Once every suite has been judged the measurements are complete, so stopping halfway through the verdict, the
reports, the history record or the trend page would only lose a finished run. A first signal is therefore
deferred: one line says so, the finishing work completes, then the process stops (exit 130). A second signal
stops it at once; each file already written is whole, because every write is atomic and result.json comes first.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType

FINISHING_NOTICE = "golive: finishing the reports; press Ctrl-C again to stop now"
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StoppedAfterFinishing(KeyboardInterrupt):
    """A signal came while the run was finishing; everything was written, the process now stops (exit 130)."""


def _notice() -> None:
    # Straight to the file descriptor: the signal may have arrived while the console was writing to stderr,
    # and a buffered stream must not be re-entered.
    with contextlib.suppress(OSError, ValueError):
        os.write(sys.stderr.fileno(), (FINISHING_NOTICE + "\n").encode())


@contextlib.contextmanager
def finishing() -> Iterator[None]:
    """Defer the first SIGINT/SIGTERM until the block is done, then raise StoppedAfterFinishing.

    A second signal raises KeyboardInterrupt at once. The previous handlers are restored on leaving. Outside
    the main thread signals cannot be taken, and the block runs as it would without this.
    """
    received: list[int] = []

    def defer(signum: int, frame: FrameType | None) -> None:
        if received:
            raise KeyboardInterrupt
        received.append(signum)
        _notice()

    try:
        previous = {signum: signal.signal(signum, defer) for signum in _SIGNALS}
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if handler is not None:
                signal.signal(signum, handler)
    if received:
        raise StoppedAfterFinishing
