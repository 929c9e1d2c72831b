"""The run history as the rest of golive uses it: open the store, record a finished run, compare with the last one.

The store itself is `harness.history_store` (a database through SQLAlchemy); runs are turned into plain
records by `harness.run_record`. Secrets never reach the database: a run is recorded from its result.json
content with every secret masked, exactly as the reports were written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from harness.comparison import compare
from harness.events import Event, RunFinished
from harness.history_settings import HistorySettings
from harness.history_store import HistoryError, HistoryStore
from harness.models import RunResult
from harness.redaction import Redactor
from harness.registry import SuiteLoadError, suite_class
from harness.run_record import RunRecord, record_from_result
from harness.suite import Suite

__all__ = ["HistoryError", "HistoryRecorder", "HistoryStore", "comparison_with_history", "open_history", "run_record"]


def open_history(settings: HistorySettings, out_dir: Path) -> HistoryStore:
    """The configured store (SQLite in `out_dir` by default), migrated, with an old history.jsonl imported."""
    return HistoryStore.open(settings.database_url(out_dir), legacy_dir=out_dir)


def _loadable(names: Iterable[str]) -> Iterator[tuple[str, type[Suite]]]:
    """(name, suite class) for each of `names` that is installed and loads; the others are left out."""
    for name in names:
        try:
            yield name, suite_class(name)
        except (KeyError, SuiteLoadError):
            continue


def declared_headlines(names: Iterable[str]) -> dict[str, dict[str, str]]:
    """Each suite's `headline_metrics` (metric → column label), for the suites that declare and can be loaded."""
    return {name: dict(cls.headline_metrics) for name, cls in _loadable(names) if cls.headline_metrics}


def declared_work_metrics(names: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each suite's `work_metrics` (about golive's own work, never compared), for the suites that can be loaded."""
    return {name: cls.work_metrics for name, cls in _loadable(names)}


def run_record(result: RunResult, redactor: Redactor, label: str | None = None) -> RunRecord:
    """The history record of a run, built from its result.json content with secrets masked."""
    data = json.loads(redactor.text(json.dumps(result.to_dict(), default=str)))
    return record_from_result(data, redactor.text(label) if label else None, declared_headlines(result.suites))


def comparison_with_history(
    result: RunResult, settings: HistorySettings, out_dir: Path, redactor: Redactor
) -> dict[str, object] | None:
    """The comparison of `result` with the latest valid earlier run of its target and profile, if any.

    A history that cannot be read gives no comparison (the recorder reports the problem); it never fails a run.
    """
    try:
        with open_history(settings, out_dir) as store:
            record = run_record(result, redactor)
            return compare(record, store.previous(record), work_metrics=declared_work_metrics(result.suites))
    except HistoryError:
        return None


class HistoryRecorder:
    """Event handler: records each finished run in the history store.

    A history that cannot be written is reported on stderr and does not lose the run: its folder is complete.
    """

    def __init__(self, settings: HistorySettings, out_dir: Path, redactor: Redactor, label: str | None = None) -> None:
        self._settings = settings
        self._out_dir = out_dir
        self._redactor = redactor
        self._label = label or settings.label or None

    def handle(self, event: Event) -> None:
        """Record on RunFinished; ignore other events."""
        if not isinstance(event, RunFinished):
            return
        try:
            with open_history(self._settings, self._out_dir) as store:
                store.record(run_record(event.result, self._redactor, self._label))
        except HistoryError as error:
            print(
                f"golive: the run was not recorded in the history: {self._redactor.text(str(error))}", file=sys.stderr
            )
