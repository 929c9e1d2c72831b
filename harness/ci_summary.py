"""In GitHub Actions, add the run's summary.md to the job summary page (`$GITHUB_STEP_SUMMARY`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from harness.events import Event, RunFinished

SUMMARY_FILE = "summary.md"


class StepSummary:
    """Event handler: on RunFinished, append `<run_dir>/summary.md` to the file `$GITHUB_STEP_SUMMARY` names.

    It must come after the report writer, which writes summary.md (already free of secrets) on the same event.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def handle(self, event: Event) -> None:
        """Append on RunFinished when the variable is set; a summary that cannot be added is only reported."""
        target = self._environ.get("GITHUB_STEP_SUMMARY")
        if not target or not isinstance(event, RunFinished):
            return
        try:
            text = (event.run_dir / SUMMARY_FILE).read_text(encoding="utf-8")
            with Path(target).open("a", encoding="utf-8") as summary:
                summary.write(text.rstrip("\n") + "\n\n")
        except OSError as error:
            print(f"golive: the job summary was not written: {error.strerror or error}", file=sys.stderr)
