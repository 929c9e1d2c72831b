"""The console: live progress on stderr while a run goes on, the verdict and its reasons at the end."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from harness.comparison import describe
from harness.events import Event, RunFinished, RunStarted, SuiteFinished, SuiteProgressed, SuiteStarted
from harness.models import RunResult, Status, SuiteResult, Verdict
from harness.redaction import Redactor
from harness.reporters.trend_page import FILE_NAME as TREND_PAGE
from harness.verdict import headline_and_notes

_STATUS_WORD = {
    Status.PASS: "PASS",
    Status.WARN: "WARN",
    Status.FAIL: "FAIL",
    Status.ERROR: "ERROR",
    Status.SKIPPED: "SKIPPED",
}
# Progress lines are throttled per suite so a fast tool cannot flood a CI log; the last one held back is
# printed when the suite finishes, so the final state is always seen.
_PROGRESS_INTERVAL_SECONDS = 1.0
# A line the same as the one last said is said again only after this long: a long wait (load workers between
# their reports, a slow scan) still shows the run is alive, without filling a CI log with copies.
_REPEAT_AFTER_SECONDS = 30.0


class Console:
    """Event handler that narrates the run for a person watching a terminal or a CI log."""

    def __init__(
        self,
        progress: TextIO | None = None,
        verdict: TextIO | None = None,
        redactor: Redactor | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # The run's Redactor: a session cookie learnt while signing in is masked on the console too.
        self._redactor = redactor or Redactor()
        self._progress = progress or sys.stderr
        self._verdict = verdict or sys.stdout
        self._clock = clock
        self._last_progress: dict[str, float] = {}
        self._held_back: dict[str, str] = {}
        self._last_said: dict[str, str] = {}
        # What each suite's line said when it finished: baselines and the session check come after that.
        self._finished: dict[str, SuiteResult] = {}
        # Set once the terminal or pipe stops taking output; results, reports and history go on regardless.
        self.closed = False

    def _say(self, text: str) -> None:
        self._write(self._progress, text)

    def _write(self, stream: TextIO, text: str) -> None:
        """Print a line; a closed pipe (`golive run | head`) silences the console, never the run."""
        if self.closed:
            return
        try:
            print(self._redactor.text(text), file=stream, flush=True)
        except (OSError, ValueError):
            self.closed = True

    def handle(self, event: Event) -> None:
        """Print one line for each event worth a person's attention."""
        if isinstance(event, RunStarted):
            verb = "re-evaluating" if event.evaluate_only else "checking"
            self._say(f"golive: {verb} {event.target} ({', '.join(event.suites) or 'no suites'})")
            self._say(f"golive: run folder {event.run_dir}")
        elif isinstance(event, SuiteStarted):
            self._say(f"[{event.name}] started: {event.title}")
        elif isinstance(event, SuiteProgressed):
            now = self._clock()
            since = now - self._last_progress.get(event.name, -_REPEAT_AFTER_SECONDS)
            if event.message == self._last_said.get(event.name) and since < _REPEAT_AFTER_SECONDS:
                self._held_back.pop(event.name, None)  # the newest state is the one already on screen
            elif since >= _PROGRESS_INTERVAL_SECONDS:
                self._last_progress[event.name] = now
                self._last_said[event.name] = event.message
                self._held_back.pop(event.name, None)
                self._say(f"[{event.name}] {event.message}")
            else:
                self._held_back[event.name] = event.message
        elif isinstance(event, SuiteFinished):
            if event.name in self._held_back:
                self._say(f"[{event.name}] {self._held_back.pop(event.name)}")
            word = _STATUS_WORD[event.result.status]
            self._finished[event.name] = event.result
            self._say(f"[{event.name}] finished in {event.seconds:.1f}s: {word}")
        elif isinstance(event, RunFinished):
            # Lines of something that never "finishes" like a suite (signing in) must not be lost either.
            for name, message in self._held_back.items():
                self._say(f"[{name}] {message}")
            self._held_back.clear()
            for line in _changed_since_finished(self._finished, event.result):
                self._say(line)
            self._print_verdict(event)

    def _print_verdict(self, event: RunFinished) -> None:
        result = event.result
        headline, notes = headline_and_notes(result.reasons)
        lines = ["", f"Verdict: {result.verdict.value}", *(f"  - {reason.text()}" for reason in headline)]
        if result.verdict is Verdict.READY and all(reason.status is None for reason in headline):
            lines.append("  (no warnings)")
        if notes:
            lines += ["Also worth knowing:", *(f"  - {reason.text()}" for reason in notes)]
        if result.comparison is not None:
            lines.append(describe(result.comparison))
        lines.append(f"Report: {event.run_dir / 'report.html'}")
        # The trend page is written before the console speaks; it is named only when it is there to open.
        trends = event.run_dir.parent / TREND_PAGE
        if trends.is_file():
            lines.append(f"Trends: {trends}")
        for line in lines:
            self._write(self._verdict, line)


def _changed_since_finished(finished: dict[str, SuiteResult], result: RunResult) -> list[str]:
    """A line for each suite whose status changed after its "finished" line, with the check that changed it.

    Regression gates against the baseline (and the session check) are judged once every suite has run, so a
    suite printed as PASS may end as FAIL: the console must not leave the earlier word standing.
    """
    lines = []
    for name, early in finished.items():
        final = result.suites.get(name)
        if final is None or final.status is early.status:
            continue
        before = {check.id: check.status for check in early.checks}
        changed = [check for check in final.checks if before.get(check.id) is not check.status]
        cause = f": {changed[0].message}" if changed else ""
        lines.append(f"[{name}] now {_STATUS_WORD[final.status]}{cause}")
    return lines
