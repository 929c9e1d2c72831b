"""The gather side without traffic: the Locust command line, secrets, timeouts, stderr summaries, safety."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.redaction import Redactor
from harness.settings import GoliveConfig
from harness.suite import GatherContext, GatherError, Target
from suites.performance import protocol
from suites.performance.gather import gather_error, hard_timeout, locust_environment
from suites.performance.runner import BUILTIN_LOCUSTFILE, LocustOutcome, LocustSpec, format_progress, summarise_stderr
from suites.performance.suite import PerformanceSuite

MakeConfig = Callable[..., GoliveConfig]


def spec(tmp_path: Path, workers: int | str = 1) -> LocustSpec:
    return LocustSpec(
        host="http://127.0.0.1:8000",
        locustfile=BUILTIN_LOCUSTFILE,
        users=10,
        spawn_rate=2.5,
        duration=4.2,
        workers=workers,
        artifact_dir=tmp_path,
        hard_timeout=60,
        env={protocol.ENV_HEADERS: '{"Authorization": "Bearer s3cret-token"}'},
    )


def test_command_has_the_contract_flags(tmp_path: Path) -> None:
    command = spec(tmp_path).command()
    joined = " ".join(command)
    assert command[1:3] == ["-m", "locust"]
    for flag in ("--headless", "--csv-full-history", "--only-summary"):
        assert flag in command
    assert "-u 10 -r 2.5 -t 5s --host http://127.0.0.1:8000" in joined
    assert command[command.index("--json-file") + 1] == str(tmp_path / "locust")  # Locust adds ".json"
    assert command[command.index("--exit-code-on-error") + 1] == "0"
    assert "--processes" not in command
    assert "s3cret-token" not in joined  # secrets travel by environment only


@pytest.mark.parametrize(("workers", "processes"), [("auto", "-1"), (3, "3")])
def test_workers_use_locusts_own_processes(tmp_path: Path, workers: int | str, processes: str) -> None:
    command = spec(tmp_path, workers).command()
    assert command[command.index("--processes") + 1] == processes


def test_environment_carries_paths_headers_and_cookies(tmp_path: Path, make_config: MakeConfig) -> None:
    config = make_config('performance.paths=["/", "/start"]', "performance.think_time=[1, 2]")
    target = Target("http://127.0.0.1:8000", {"Authorization": "Bearer x"}, {"session": "abc"})
    env = locust_environment(config.performance, target, tmp_path)
    assert env[protocol.ENV_PATHS] == '["/", "/start"]'
    assert env[protocol.ENV_THINK_TIME] == "[1.0, 2.0]"
    assert json.loads(env[protocol.ENV_HEADERS]) == {"Authorization": "Bearer x", "Cookie": "session=abc"}
    assert env[protocol.ENV_ERRORS_FILE] == str(tmp_path / protocol.ERRORS_JSON)


def test_hard_timeout_never_cuts_a_full_length_run(make_config: MakeConfig) -> None:
    assert hard_timeout(make_config('performance.timeout="10m"', 'performance.duration="30s"').performance) == 600
    assert hard_timeout(make_config('performance.timeout="10m"', 'performance.duration="10m"').performance) == 660


def test_stderr_summary_prefers_the_traceback_then_logged_errors() -> None:
    traceback = [
        "[2026-11-26 10:21:18,309] vm/INFO/locust.main: Starting Locust 2.47.0",
        "Traceback (most recent call last):",
        '  File "my_locustfile.py", line 3, in <module>',
        "NameError: name 'oops' is not defined",
    ]
    assert summarise_stderr(traceback) == "NameError: name 'oops' is not defined"
    logged = [
        "[2026-11-26 10:21:18,309] vm/ERROR/locust.main: Unknown User(s): Nobody",
        "[2026-11-26 10:21:18,310] vm/INFO/locust.main: Shutting down (exit code 1)",
    ]
    assert summarise_stderr(logged) == "Unknown User(s): Nobody"
    assert summarise_stderr([]) == ""


def test_gather_error_messages_are_one_line() -> None:
    crashed = LocustOutcome(command=[], exit_code=1, stderr_tail=["SyntaxError: invalid syntax"])
    assert gather_error(crashed, results_saved=False) == ("Locust exited with code 1: SyntaxError: invalid syntax")
    assert gather_error(LocustOutcome(command=[], exit_code=0), results_saved=True) is None
    assert "locust.json is missing" in str(gather_error(LocustOutcome(command=[], exit_code=0), results_saved=False))
    timed_out = LocustOutcome(command=[], exit_code=0, seconds=63.2, timed_out=True)
    assert gather_error(timed_out, results_saved=True) == (
        "Locust did not finish within performance.timeout (63s) and was stopped"
    )


def test_progress_line() -> None:
    sample = {"users": 10, "rps": 420.04, "p95_ms": 38, "requests": 1200, "failures": 0}
    assert format_progress(sample) == "users 10, 420.0 rps, p95 38 ms, 0 errors (1200 requests)"
    before_the_first_report = {"users": 5, "rps": 0.0, "p95_ms": None, "requests": 0, "failures": 0}
    assert format_progress(before_the_first_report) == "users 5, no requests counted yet"
    waiting = {**before_the_first_report, "users": 0, "workers": 0}
    assert format_progress(waiting) == "users 0, no requests counted yet (0 worker(s) connected)"


def test_gather_refuses_a_host_that_is_not_allowed(tmp_path: Path, make_config: MakeConfig, today: dt.date) -> None:
    config = make_config(target="http://example.invalid")
    context = GatherContext(Target.from_config(config), config, tmp_path, Redactor())
    with pytest.raises(GatherError, match=r"target\.allowed_hosts"):
        PerformanceSuite().gather(context)
    assert list(tmp_path.iterdir()) == []  # refused before anything ran or was written


def test_missing_user_locustfile_is_named(tmp_path: Path, make_config: MakeConfig) -> None:
    config = make_config('performance.locustfile="no_such_locustfile.py"', target="http://127.0.0.1:9")
    context = GatherContext(Target.from_config(config), config, tmp_path, Redactor())
    with pytest.raises(GatherError, match=r"performance\.locustfile .no_such_locustfile\.py. does not exist"):
        PerformanceSuite().gather(context)
