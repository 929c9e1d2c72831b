"""Loading: Locust's own output files become JSON documents, and the documents become one LocustRun value.

gather calls `tool_documents` once Locust has stopped, so a live run is judged from memory; `golive evaluate`
calls it on a saved run folder. Everything after this module is a pure function of a LocustRun.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.artifacts import Artifacts
from suites.performance import protocol
from suites.performance.results import (
    EndpointStats,
    ErrorsRecord,
    endpoints_from,
    errors_from,
    failures_csv_rows,
    history_csv_rows,
    history_from,
)

# The stats history CSV's "Aggregated" rows and the failures CSV, parsed, under these document names.
HISTORY_JSON = "locust_stats_history.json"
FAILURES_JSON = "locust_failures.json"
# Why a Locust output file could not be read, by file name (a document of its own, so evaluate sees it too).
UNREADABLE_JSON = "unreadable.json"


def tool_documents(folder: Path) -> dict[str, Any]:
    """Locust's output files in `folder` as JSON documents; unreadable ones are listed under UNREADABLE_JSON."""
    documents: dict[str, Any] = {}
    unreadable: dict[str, str] = {}
    for name in (protocol.LOCUST_JSON, protocol.ERRORS_JSON, protocol.STEPS_JSON):
        path = folder / name
        if path.is_file():
            try:
                documents[name] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                unreadable[name] = str(error)
    history = folder / protocol.STATS_HISTORY_CSV
    if history.is_file():
        documents[HISTORY_JSON] = {str(second): row for second, row in history_csv_rows(history).items()}
    failures = folder / protocol.FAILURES_CSV
    if failures.is_file() and protocol.ERRORS_JSON not in documents:
        documents[FAILURES_JSON] = failures_csv_rows(failures)
    if unreadable:
        documents[UNREADABLE_JSON] = unreadable
    return documents


def load_saved(folder: Path) -> Artifacts:
    """A saved run's documents: golive's own (run.json) and Locust's, read from its files."""
    artifacts = Artifacts.load(folder)
    for name, data in tool_documents(folder).items():
        artifacts.put(name, data)
    return artifacts


@dataclass(frozen=True)
class LocustRun:
    """Everything a Locust run measured, as values: golive's record, endpoints, errors, windows, history."""

    record: Mapping[str, Any]
    endpoints: tuple[EndpointStats, ...]
    errors: ErrorsRecord = field(default_factory=ErrorsRecord)
    steps: Mapping[str, Any] = field(default_factory=dict)
    history: Mapping[int, Mapping[str, float | None]] = field(default_factory=dict)


def run_from(artifacts: Artifacts) -> LocustRun | str:
    """The LocustRun the documents describe, or a one-line reason why there are no results to judge."""
    unreadable = artifacts.get(UNREADABLE_JSON) or {}
    if protocol.LOCUST_JSON not in artifacts:
        if protocol.LOCUST_JSON in unreadable:
            return f"Locust's results cannot be read: {unreadable[protocol.LOCUST_JSON]}"
        return f"Locust saved no results ({protocol.LOCUST_JSON} is missing)"
    try:
        endpoints = endpoints_from(artifacts.get(protocol.LOCUST_JSON))
    except (ValueError, TypeError, KeyError) as error:
        return f"Locust's results cannot be read: {error}"
    record = artifacts.get(protocol.RUN_JSON)
    steps = artifacts.get(protocol.STEPS_JSON)
    return LocustRun(
        record=record if isinstance(record, dict) else {},
        endpoints=tuple(endpoints),
        errors=errors_from(artifacts.get(protocol.ERRORS_JSON), artifacts.get(FAILURES_JSON)),
        steps=steps if isinstance(steps, dict) else {},
        history=history_from(artifacts.get(HISTORY_JSON)),
    )
