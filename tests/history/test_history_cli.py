"""`golive history`, `history show`, `history invalidate` and `compare`, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.events import RunFinished
from harness.history_store import HistoryStore
from harness.redaction import Redactor
from harness.reporters import ReportWriter
from tests.history.runs import full_run, performance, record, run
from tests.support import run_golive

pytestmark = pytest.mark.integration


def _populate(url: str) -> None:
    store = HistoryStore.open(url)
    store.record(record(full_run("20261126T010000Z-aaaa"), label="v1.0"))
    store.record(record(run("20261127T010000Z-bbbb", {"performance": performance(p95=412)}), label="v1.1"))
    store.close()


def _url_options(url: str) -> list[str]:
    return ["--set", f'history.url="{url}"']


def test_history_lists_runs_with_not_run_suites(history_url: str, tmp_path: Path) -> None:
    _populate(history_url)
    done = run_golive("history", *_url_options(history_url), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    header, full, quick = done.stdout.splitlines()
    assert header.split()[:4] == ["run", "label", "verdict", "findings"]
    assert full.split()[:4] == ["20261126T010000Z-aaaa", "v1.0", "NOT_READY", "3"]
    assert quick.split()[:3] == ["20261127T010000Z-bbbb", "v1.1", "READY"]
    assert quick.count("not run") == 2 and "412" in quick
    last = run_golive("history", "--last", "1", "--json", *_url_options(history_url), cwd=tmp_path)
    (entry,) = json.loads(last.stdout)
    assert entry["run_id"] == "20261127T010000Z-bbbb"
    assert entry["suites"]["security"]["status"] == "not run"


def test_show_invalidate_and_compare(history_url: str, tmp_path: Path) -> None:
    _populate(history_url)
    options = _url_options(history_url)
    shown = run_golive("history", "show", "20261126", *options, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "run 20261126T010000Z-aaaa (v1.0)" in shown.stdout
    assert "finding high: accessibility: region on http://127.0.0.1:8000/ (waived)" in shown.stdout

    compared = run_golive("compare", "20261126T010000Z-aaaa", "20261127T010000Z-bbbb", *options, cwd=tmp_path)
    assert compared.returncode == 0, compared.stderr
    lines = compared.stdout.splitlines()
    assert lines[1] == "verdict: NOT_READY → READY (changed)"
    assert "  accessibility: fail → not run" in lines
    assert "  performance p95_ms: 300 → 412 (+37%)" in lines
    assert "0 new finding(s), 0 resolved, 0 unchanged; 4 not compared" in compared.stdout

    invalid = run_golive(
        "history", "invalidate", "20261127", "--reason", "wrong build deployed", *options, cwd=tmp_path
    )
    assert invalid.returncode == 0, invalid.stderr
    assert "marked invalid: wrong build deployed" in invalid.stderr
    listed = run_golive("history", *options, cwd=tmp_path)
    assert listed.stdout.splitlines()[2].endswith("INVALID: wrong build deployed")


def test_compare_reads_run_folders(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    for result in (full_run("20261126T010000Z-aaaa"), full_run("20261127T010000Z-bbbb")):
        (out / result.run_id).mkdir(parents=True)
        ReportWriter(Redactor()).handle(RunFinished(result, out / result.run_id))
    done = run_golive(
        "compare",
        str(out / "20261126T010000Z-aaaa"),
        str(out / "20261127T010000Z-bbbb"),
        "--json",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    comparison = json.loads(done.stdout)
    assert comparison["unchanged_findings"] == 4 and comparison["resolved_findings"] == 0
    assert not (out / "history.db").exists()  # reading never creates a history


def test_no_history_yet_says_so_and_creates_nothing(tmp_path: Path) -> None:
    done = run_golive("history", "--out", "nothing", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stderr.strip() == f"golive: no runs recorded in {Path('nothing') / 'history.db'}"
    assert not (tmp_path / "nothing").exists()


def test_usage_errors_exit_3_with_one_line(tmp_path: Path) -> None:
    missing = run_golive("history", "show", "nope", "--out", str(tmp_path / "reports"), cwd=tmp_path)
    assert missing.returncode == 3
    assert missing.stderr.strip() == "golive: error: no run 'nope' in the history (see `golive history`)"
    no_reason = run_golive("history", "invalidate", "x", cwd=tmp_path)
    assert no_reason.returncode == 3 and "--reason" in no_reason.stderr
    bad_url = run_golive("history", "--set", 'history.url="nonsense"', cwd=tmp_path)
    assert bad_url.returncode == 3 and "history.url is not a database URL" in bad_url.stderr


def test_a_database_password_from_the_environment_is_never_printed(postgres_base_url: str, tmp_path: Path) -> None:
    password = "pg-pass-7f3a9c"
    base = postgres_base_url.replace("golive@", "golive:${HISTORY_DB_PASSWORD}@")
    env = {"HISTORY_DB_PASSWORD": password}
    good = run_golive("history", "--set", f'history.url="{base}/postgres"', cwd=tmp_path, env=env)
    assert good.returncode == 0, good.stderr
    assert "no runs recorded in postgresql+psycopg://golive:***@127.0.0.1" in good.stderr
    bad = run_golive("history", "--set", f'history.url="{base}/missing_db"', cwd=tmp_path, env=env)
    assert bad.returncode == 3
    assert password not in bad.stderr + bad.stdout + good.stderr + good.stdout
    assert 'database "missing_db" does not exist' in bad.stderr
