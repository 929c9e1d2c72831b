"""The history store: one line per run in `<out>/history.jsonl`, so nightly runs can show trends.

Each line keeps what a comparison needs and nothing more: the verdict, each suite's status and numeric
metrics, and the fingerprints of the open findings with a short label. Secrets never reach it: it is built
from a RunResult whose text was already redacted where it came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.events import Event, RunFinished
from harness.models import RunResult
from harness.redaction import Redactor
from harness.suite import write_atomic

HISTORY_FILE = "history.jsonl"


def _numeric_metrics(metrics: dict[str, Any]) -> dict[str, float]:
    """Flat numeric metrics only (nested tables such as by_impact are flattened one level)."""
    flat: dict[str, float] = {}
    for key, value in metrics.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            flat[key] = value
        elif isinstance(value, dict):
            for inner, number in value.items():
                if isinstance(number, int | float) and not isinstance(number, bool):
                    flat[f"{key}.{inner}"] = number
    return flat


def entry_for(result: RunResult) -> dict[str, Any]:
    """The history line for a run."""
    findings: dict[str, str] = {}
    for suite in result.suites.values():
        for finding in suite.findings:
            if not finding.waived:
                findings[finding.fingerprint] = f"{finding.suite}: {finding.rule} on {finding.url}"
    return {
        "run_id": result.run_id,
        "target": result.target,
        "started_at": result.started_at,
        "profile": result.profile,
        "verdict": result.verdict.value,
        "interrupted": result.interrupted,
        "suites": {
            name: {"status": suite.status.value, "metrics": _numeric_metrics(suite.metrics)}
            for name, suite in result.suites.items()
        },
        "findings": findings,
    }


@dataclass(frozen=True)
class HistoryStore:
    """Reads and appends `<out>/history.jsonl`; a run judged again (golive evaluate) replaces its own line."""

    out_dir: Path

    @property
    def path(self) -> Path:
        """Where the history lives."""
        return self.out_dir / HISTORY_FILE

    def entries(self) -> list[dict[str, Any]]:
        """Every recorded run, oldest first; a damaged line is skipped rather than losing the rest."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        entries = []
        for line in lines:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and "run_id" in entry:
                entries.append(entry)
        return sorted(entries, key=lambda entry: str(entry["run_id"]))

    def previous(self, target: str, before_run_id: str) -> dict[str, Any] | None:
        """The latest complete run of the same target before `before_run_id`, if any."""
        earlier = [
            entry
            for entry in self.entries()
            if entry.get("target") == target and str(entry["run_id"]) < before_run_id and not entry.get("interrupted")
        ]
        return earlier[-1] if earlier else None

    def record(self, result: RunResult, redactor: Redactor) -> None:
        """Add the run (replacing an earlier line for the same run id)."""
        kept = [entry for entry in self.entries() if entry["run_id"] != result.run_id]
        kept.append(entry_for(result))
        kept.sort(key=lambda entry: str(entry["run_id"]))
        text = "".join(json.dumps(entry, sort_keys=True) + "\n" for entry in kept)
        write_atomic(self.path, redactor.text(text))


class HistoryRecorder:
    """Event handler: records each finished run in the history store."""

    def __init__(self, store: HistoryStore, redactor: Redactor) -> None:
        self._store = store
        self._redactor = redactor

    def handle(self, event: Event) -> None:
        """Record on RunFinished; ignore other events."""
        if isinstance(event, RunFinished):
            self._store.record(event.result, self._redactor)
