"""How long the history takes: recording a run, listing the last 20, a baseline over 5, on SQLite and PostgreSQL.

Each synthetic run has three suites, a dozen checks and metrics, and `--findings` findings. PostgreSQL is a
throwaway server on loopback (as in the tests). Prints one line per database with the median milliseconds.

    .venv/bin/python -m bench.history.store --runs 200 --findings 50
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harness.baseline import baseline_for
from harness.history_store import HistoryStore
from harness.run_record import CheckRecord, Coverage, FindingRecord, RunRecord, SuiteRecord
from tests.postgres import create_database, postgres_server

TARGET = "http://127.0.0.1:8000"


def synthetic_run(index: int, findings: int) -> RunRecord:
    """A run with three suites, each with checks, metrics and its share of `findings`."""
    suites = {}
    for name in ("performance", "accessibility", "security"):
        found = {
            f"{name}-{index % 7}-{number}": FindingRecord(
                f"{name}-{index % 7}-{number}", name, f"rule-{number}", "medium", f"{TARGET}/page/{number}", "title"
            )
            for number in range(findings // 3)
        }
        suites[name] = SuiteRecord(
            name=name,
            status="pass",
            ran=True,
            metrics={f"metric_{n}": float(index + n) for n in range(10)},
            headline={"metric_0": "m0", "metric_1": "m1"},
            checks=tuple(CheckRecord(f"check_{n}", "pass", "within limits", float(n)) for n in range(4)),
            findings=found,
            coverage=Coverage(urls=frozenset({f"{TARGET}/"}), parts=frozenset({"check_0"}), signature="abc"),
        )
    return RunRecord(run_id=f"20261126T{index:06d}Z-aaaa", target=TARGET, verdict="READY", suites=suites)


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def measure(url: str, runs: int, findings: int) -> str:
    """Record `runs` runs, then time a record, a listing and a baseline; one line of results."""
    store = HistoryStore.open(url)
    record_times = []
    for index in range(runs):
        began = time.perf_counter()
        store.record(synthetic_run(index, findings))
        record_times.append((time.perf_counter() - began) * 1000)
    listing = _median_ms(lambda: store.runs(target=TARGET, limit=20), 5)
    baseline = _median_ms(lambda: baseline_for(store, TARGET, None, 5, 3), 5)
    opening = _median_ms(lambda: HistoryStore.open(url).close(), 5)
    store.close()
    kind = url.split(":", 1)[0]
    return (
        f"{kind:<22} record {statistics.median(record_times):7.1f} ms  list 20 {listing:7.1f} ms  "
        f"baseline {baseline:7.1f} ms  open {opening:6.1f} ms  ({runs} runs, {findings} findings each)"
    )


def main() -> None:
    """Run the measurement on SQLite and on a throwaway PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--findings", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(measure(f"sqlite:///{Path(folder) / 'history.db'}", args.runs, args.findings))
    with postgres_server() as base:
        print(measure(create_database(base, "bench"), args.runs, args.findings))


if __name__ == "__main__":
    main()
