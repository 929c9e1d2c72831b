"""The history database, against SQLite and a real PostgreSQL: record, read back, filter, invalidate, import."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, insert, text

from harness import history_schema
from harness.history import run_record
from harness.history_store import ANY_PROFILE, HistoryError, HistoryStore
from harness.redaction import Redactor
from tests.history.runs import full_run, performance, record, run
from tests.support import REPO_ROOT, free_port


def test_a_run_reads_back_exactly_as_recorded(history_url: str) -> None:
    store = HistoryStore.open(history_url)
    original = record(full_run("20261126T010000Z-aaaa"), label="v1.4.2")
    store.record(original)
    assert store.get(original.run_id) == original
    assert store.get("20261126T01") == original  # a unique start of the id is enough


def test_recording_a_run_again_replaces_it_and_keeps_its_label_and_invalidation(history_url: str) -> None:
    store = HistoryStore.open(history_url)
    store.record(record(full_run("20261126T010000Z-aaaa"), label="abc123"))
    store.invalidate("20261126T010000Z-aaaa", "the target was being redeployed")
    store.record(record(run("20261126T010000Z-aaaa", {"performance": performance(p95=999)})))  # golive evaluate
    (again,) = store.runs()
    assert again.label == "abc123"
    assert again.invalid_reason == "the target was being redeployed"
    assert again.suites["performance"].metrics["p95_ms"] == 999
    assert not again.findings()


def test_runs_filter_by_target_and_profile_and_keep_the_latest(history_url: str) -> None:
    store = HistoryStore.open(history_url)
    for day, profile, target in [
        ("26", None, "http://127.0.0.1:8000"),
        ("27", "nightly", "http://127.0.0.1:8000"),
        ("28", "nightly", "http://127.0.0.1:8000"),
        ("29", "nightly", "http://127.0.0.1:9000"),
    ]:
        store.record(
            record(run(f"202611{day}T010000Z-aaaa", {"performance": performance()}, profile=profile, target=target))
        )
    ids = [run.run_id[6:8] for run in store.runs(target="http://127.0.0.1:8000/")]
    assert ids == ["26", "27", "28"]
    assert [run.run_id[6:8] for run in store.runs(profile="nightly", limit=2)] == ["28", "29"]
    assert [run.run_id[6:8] for run in store.runs(profile=None)] == ["26"]
    assert len(store.runs(profile=ANY_PROFILE)) == 4


def test_previous_skips_invalid_and_interrupted_runs_and_other_profiles(history_url: str) -> None:
    store = HistoryStore.open(history_url)
    store.record(record(full_run("20261126T010000Z-aaaa")))
    store.record(record(full_run("20261127T010000Z-bbbb")))
    store.record(record(full_run("20261128T010000Z-cccc", interrupted=True)))
    store.record(record(full_run("20261129T010000Z-dddd", profile="beta")))
    store.invalidate("20261127T010000Z-bbbb", "load generator was saturated")
    latest = record(full_run("20261130T010000Z-eeee"))
    previous = store.previous(latest)
    assert previous is not None and previous.run_id == "20261126T010000Z-aaaa"
    assert store.previous(record(full_run("20261125T010000Z-ffff"))) is None


def test_invalidating_an_unknown_or_ambiguous_run_is_an_error(history_url: str) -> None:
    store = HistoryStore.open(history_url)
    store.record(record(full_run("20261126T010000Z-aaaa")))
    store.record(record(full_run("20261126T020000Z-bbbb")))
    with pytest.raises(HistoryError, match="no run 'nope'"):
        store.invalidate("nope", "x")
    with pytest.raises(HistoryError, match="ambiguous: 20261126T010000Z-aaaa, 20261126T020000Z-bbbb all start"):
        store.get("20261126T0")


def test_a_with_block_closes_the_store_even_when_what_it_did_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = HistoryStore.open(f"sqlite:///{tmp_path / 'history.db'}")
    closed: list[bool] = []
    monkeypatch.setattr(store, "close", lambda: closed.append(True))
    with pytest.raises(HistoryError, match="no run 'nowhere'"), store:
        store.invalidate("nowhere", "never recorded")
    assert closed == [True]


def test_an_old_history_file_is_imported_once(history_url: str, tmp_path: Path) -> None:
    legacy = tmp_path / "reports"
    legacy.mkdir()
    lines = [
        {
            "run_id": "20261120T010000Z-0001",
            "target": "http://127.0.0.1:8000",
            "verdict": "READY",
            "suites": {"performance": {"status": "pass", "metrics": {"p95_ms": 310, "rps": 101.5}}},
            "findings": {},
        },
        {
            "run_id": "20261121T010000Z-0002",
            "target": "http://127.0.0.1:8000",
            "verdict": "NOT_READY",
            "suites": {"security": {"status": "fail", "metrics": {"alerts_by_risk.High": 1}}},
            "findings": {"cccc": "security: missing-csp on http://127.0.0.1:8000/"},
        },
    ]
    (legacy / "history.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n")
    store = HistoryStore.open(history_url, legacy_dir=legacy)
    imported = store.runs()
    assert [run.run_id for run in imported] == ["20261120T010000Z-0001", "20261121T010000Z-0002"]
    assert imported[0].suites["performance"].metrics == {"p95_ms": 310, "rps": 101.5}
    assert imported[1].findings()["cccc"].rule == "missing-csp"
    store.invalidate("20261120T010000Z-0001", "wrong target")
    HistoryStore.open(history_url, legacy_dir=legacy)  # opening again imports nothing, and changes nothing
    again = store.runs()
    assert len(again) == 2 and again[0].invalid_reason == "wrong target"


def test_secrets_never_reach_the_database(history_url: str) -> None:
    store = HistoryStore.open(history_url)
    secret = "s3cret-token-value"
    leaky = full_run("20261126T010000Z-aaaa", target="http://127.0.0.1:8000")
    perf = dataclasses.replace(leaky.suites["performance"], error=f"401 with Authorization: Bearer {secret}")
    leaky = dataclasses.replace(leaky, suites={**leaky.suites, "performance": perf})
    store.record(run_record(leaky, Redactor([secret]), label=f"build {secret}"))
    engine = create_engine(store.url)
    with engine.connect() as connection:
        dump = []
        for table in history_schema.metadata.sorted_tables:
            dump += [repr(tuple(row)) for row in connection.execute(table.select())]
    engine.dispose()
    assert dump and not any(secret in row for row in dump)
    assert any("***" in row for row in dump)


def test_a_database_from_a_newer_golive_is_refused(history_url: str) -> None:
    HistoryStore.open(history_url).close()
    engine = create_engine(HistoryStore(history_url).url)
    with engine.begin() as connection:
        connection.execute(insert(history_schema.schema_versions).values(version=99, applied_at="2030-01-01T00:00:00Z"))
    engine.dispose()
    with pytest.raises(
        HistoryError, match=f"schema version 99; this golive knows up to {history_schema.LATEST_VERSION}"
    ):
        HistoryStore.open(history_url)


def test_a_database_made_by_schema_1_is_migrated_and_its_runs_still_read(history_url: str) -> None:
    store = HistoryStore.open(history_url)
    old = record(full_run("20261126T010000Z-aaaa"), label="v1.4.2")
    store.record(old)
    store.close()
    # Turn it back into what a golive of schema 1 left: no evaluated_at column, version 2 not applied.
    engine = create_engine(HistoryStore(history_url).url)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE golive_runs DROP COLUMN evaluated_at"))
        connection.execute(delete(history_schema.schema_versions).where(history_schema.schema_versions.c.version == 2))
    engine.dispose()

    with HistoryStore.open(history_url) as migrated:
        assert migrated.get(old.run_id) == old
        judged_again = dataclasses.replace(old, verdict="NOT_READY", evaluated_at="2026-11-27T09:00:00Z")
        migrated.record(judged_again)
        assert migrated.get(old.run_id) == judged_again


def test_a_run_judged_again_is_marked_as_such(history_url: str) -> None:
    with HistoryStore.open(history_url) as store:
        store.record(record(full_run("20261126T010000Z-aaaa")))
        assert store.runs()[0].evaluated_at is None
        store.record(
            dataclasses.replace(record(full_run("20261126T010000Z-aaaa")), evaluated_at="2026-11-27T09:00:00Z")
        )
        (again,) = store.runs()
    assert again.evaluated_at == "2026-11-27T09:00:00Z"


@pytest.mark.integration
def test_an_unreachable_database_is_a_one_line_error_without_the_password() -> None:
    url = f"postgresql://golive:hunter2-secret@127.0.0.1:{free_port()}/history"
    with pytest.raises(HistoryError) as caught:
        HistoryStore.open(url)
    message = str(caught.value)
    assert "hunter2-secret" not in message and "\n" not in message
    assert message.startswith("history database postgresql+psycopg://golive:***@127.0.0.1:")


def test_a_url_that_is_not_one_is_named() -> None:
    with pytest.raises(HistoryError, match=r"history\.url is not a database URL"):
        HistoryStore.open("reports/history.db")


_WRITER = textwrap.dedent(
    """
    import sys
    from harness.history_store import HistoryStore
    from tests.history.runs import full_run, record
    url, tag = sys.argv[1], sys.argv[2]
    for index in range(15):
        store = HistoryStore.open(url)
        store.record(record(full_run(f"20261126T01{index:04d}Z-{tag}")))
        store.close()
    """
)


@pytest.mark.integration
def test_two_processes_writing_at_once_lose_nothing(history_url: str) -> None:
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, history_url, tag], cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True
        )
        for tag in ("aaaa", "bbbb")
    ]
    errors = [writer.communicate(timeout=240)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], errors
    runs = HistoryStore.open(history_url).runs(limit=100)
    assert len(runs) == 30
    assert all(len(run.findings()) == 4 for run in runs)


_OPENER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from harness.history_store import HistoryStore
    from tests.history.runs import full_run, record
    store = HistoryStore.open(sys.argv[1], legacy_dir=Path(sys.argv[2]))
    store.record(record(full_run(f"20261127T010000Z-{sys.argv[3]}")))
    """
)


@pytest.mark.integration
def test_two_runs_opening_a_new_store_at_once_import_the_old_file_once(history_url: str, tmp_path: Path) -> None:
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    lines = [
        {"run_id": f"2026112{day}T010000Z-0000", "target": "t", "verdict": "READY", "suites": {}} for day in range(5)
    ]
    (legacy / "history.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", _OPENER, history_url, str(legacy), tag],
            cwd=REPO_ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("aaaa", "bbbb", "cccc")
    ]
    errors = [opener.communicate(timeout=240)[1] for opener in openers]
    assert [opener.returncode for opener in openers] == [0, 0, 0], errors
    assert len(HistoryStore.open(history_url).runs(limit=100)) == 8
