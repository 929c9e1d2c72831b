"""Signals once every suite was judged: while the run is concluded (the history is read for the comparison) and
while it is finished (reports, history record, trend page, notify webhook), in `golive run` and `golive evaluate`.

The finishing work stalls on real parts: another writer holding the SQLite history, a webhook that accepts and
never answers. A first signal is deferred until everything is written (exit 130, one line); a second stops at
once and leaves whole files. Nothing golive started outlives it."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness.finishing import FINISHING_NOTICE
from tests.faults.cli import Outcome, finish, start_golive
from tests.support import Route, install_plugin, serve

pytestmark = pytest.mark.integration

HERE = Path(__file__).resolve().parent
REPORTS = ("result.json", "report.html", "summary.md", "junit.xml")


@pytest.fixture
def plugin_env(tmp_path: Path) -> dict[str, str]:
    entry_points = {"golive.suites": "pausing = golive_pausing:PausingSuite"}
    return install_plugin(tmp_path / "site", HERE / "pausing_suite.py", "golive_pausing", entry_points)


def _wait_for(process: subprocess.Popen[str], marker: str, timeout: float = 60) -> list[str]:
    """Read stderr lines until one contains `marker`; return the lines read."""
    assert process.stderr is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"{marker!r} never appeared: {''.join(seen)}")


@contextmanager
def history_held_by_another_writer(database: Path) -> Iterator[sqlite3.Connection]:
    """Another process's write transaction on the history database: golive waits for it (SQLite's busy timeout)
    when it opens the history to compare the run with the last one. Closing the connection lets golive go on."""
    database.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    finally:
        connection.close()


@dataclass
class HoldingServer:
    """A webhook that accepts connections and never answers until released; it counts what it accepted."""

    url: str
    accepted: list[socket.socket] = field(default_factory=list)


@contextmanager
def holding_server() -> Iterator[HoldingServer]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    server = HoldingServer(f"http://127.0.0.1:{listener.getsockname()[1]}/hook")
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                server.accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in server.accepted:
            connection.close()
        listener.close()


def _wait_until_accepted(server: HoldingServer, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not server.accepted:
        assert time.monotonic() < deadline, "golive never called the webhook"
        time.sleep(0.05)


def _recorded_verdicts(out: Path) -> dict[str, str]:
    with sqlite3.connect(out / "history.db") as connection:
        return dict(connection.execute("SELECT run_id, verdict FROM golive_runs").fetchall())


def _assert_finished(out: Path, outcome: Outcome, verdict: str) -> dict[str, object]:
    """Every file of the run is there and agrees: the full verdict, not partial, recorded in the history."""
    result = outcome.result
    assert result is not None, outcome.output
    assert result["verdict"] == verdict and result["interrupted"] is False
    for name in REPORTS:
        assert (out / "latest" / name).is_file(), f"{name} was not written"
    assert verdict in (out / "latest" / "summary.md").read_text()
    assert _recorded_verdicts(out) == {result["run_id"]: verdict}
    assert (out / "index.html").is_file()
    return result


def _run_waiting_on_the_history(url: str, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """`golive run` of the pausing suite, once it waits for the held history to compare the run with the last one."""
    process = start_golive(["run", "--suite", "pausing", "--target", url, "--out", "out"], cwd, env)
    _wait_for(process, "[pausing] finished")
    time.sleep(1)  # golive now waits for the history
    return process


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_run_is_concluded_is_deferred_until_all_is_written(
    tmp_path: Path, plugin_env: dict[str, str], signum: int
) -> None:
    with serve({"/": Route("ok")}) as target, history_held_by_another_writer(tmp_path / "out" / "history.db"):
        process = _run_waiting_on_the_history(target.url, tmp_path, plugin_env)
        os.killpg(process.pid, signum)
    outcome = finish(process, tmp_path / "out" / "latest" / "result.json")
    assert outcome.code == 130, outcome.output
    assert outcome.output.count(FINISHING_NOTICE) == 1
    assert "golive: interrupted" not in outcome.output and "Traceback" not in outcome.output
    # The measurements were complete: the verdict is theirs; the exit code says the process was stopped.
    _assert_finished(tmp_path / "out", outcome, "READY")
    assert "Verdict: READY" in outcome.output


def test_a_signal_while_notifying_waits_for_the_webhook_then_stops(tmp_path: Path, plugin_env: dict[str, str]) -> None:
    env = {**plugin_env, "GOLIVE_FAULT_FAIL": "1"}
    with serve({"/": Route("ok")}) as target, holding_server() as webhook:
        args = [
            "run",
            "--suite",
            "pausing",
            "--target",
            target.url,
            "--out",
            "out",
            "--set",
            f"notify.webhook={webhook.url!r}",
        ]
        process = start_golive(args, tmp_path, env)
        _wait_until_accepted(webhook)
        os.killpg(process.pid, signal.SIGINT)
        _wait_for(process, FINISHING_NOTICE)
        for connection in webhook.accepted:
            connection.close()  # the webhook hangs up without an answer
        outcome = finish(process, tmp_path / "out" / "latest" / "result.json")
    assert outcome.code == 130, outcome.output
    assert "golive: notice not sent" in outcome.output and "golive: interrupted" not in outcome.output
    _assert_finished(tmp_path / "out", outcome, "NOT_READY")


def test_a_second_signal_stops_at_once_and_what_was_written_stays_whole(
    tmp_path: Path, plugin_env: dict[str, str]
) -> None:
    env = {**plugin_env, "GOLIVE_FAULT_FAIL": "1"}
    with serve({"/": Route("ok")}) as target, holding_server() as webhook:
        args = [
            "run",
            "--suite",
            "pausing",
            "--target",
            target.url,
            "--out",
            "out",
            "--set",
            f"notify.webhook={webhook.url!r}",
        ]
        process = start_golive(args, tmp_path, env)
        _wait_until_accepted(webhook)
        os.killpg(process.pid, signal.SIGINT)
        _wait_for(process, FINISHING_NOTICE)
        os.killpg(process.pid, signal.SIGTERM)
        # The webhook still holds the connection: golive did not wait for it.
        outcome = finish(process, tmp_path / "out" / "latest" / "result.json")
    assert outcome.code == 130, outcome.output
    assert "golive: interrupted" in outcome.output and "golive: notice not sent" not in outcome.output
    assert "Traceback" not in outcome.output
    _assert_finished(tmp_path / "out", outcome, "NOT_READY")


def test_a_second_signal_stops_at_once_while_another_writer_holds_the_history(
    tmp_path: Path, plugin_env: dict[str, str]
) -> None:
    with serve({"/": Route("ok")}) as target, history_held_by_another_writer(tmp_path / "out" / "history.db"):
        process = _run_waiting_on_the_history(target.url, tmp_path, plugin_env)
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(2)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            # Well inside the minute golive would wait for the other writer: both signals were taken at once.
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise AssertionError("a second signal did not stop golive while the history was locked") from None
    outcome = finish(process, None)
    assert outcome.code == 130, outcome.output
    assert outcome.output.count(FINISHING_NOTICE) == 1
    assert "golive: interrupted" in outcome.output and "Traceback" not in outcome.output


def test_a_signal_while_evaluating_is_deferred_until_all_is_written(tmp_path: Path, plugin_env: dict[str, str]) -> None:
    with serve({"/": Route("ok")}) as target:
        first = finish(
            start_golive(["run", "--suite", "pausing", "--target", target.url, "--out", "out"], tmp_path, plugin_env),
            tmp_path / "out" / "latest" / "result.json",
        )
    assert first.code == 0, first.output
    # Judged again, the suite now fails: the rewritten files say NOT_READY.
    env = {**plugin_env, "GOLIVE_FAULT_FAIL": "1"}
    with history_held_by_another_writer(tmp_path / "out" / "history.db"):
        process = start_golive(["evaluate", "out/latest"], tmp_path, env)
        _wait_for(process, "[pausing] finished")
        time.sleep(1)  # golive now waits for the history
        os.killpg(process.pid, signal.SIGINT)
    outcome = finish(process, tmp_path / "out" / "latest" / "result.json")
    assert outcome.code == 130, outcome.output
    assert outcome.output.count(FINISHING_NOTICE) == 1 and "golive: interrupted" not in outcome.output
    result = _assert_finished(tmp_path / "out", outcome, "NOT_READY")
    assert result["evaluated_at"] and result["run_id"] == first.result["run_id"]  # type: ignore[index]
