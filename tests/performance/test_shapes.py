"""Load shapes, new config keys and the Locust command line for them: pure logic, no traffic."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.config_loader import ConfigError
from harness.settings import GoliveConfig
from harness.suite import Target
from suites.performance import protocol
from suites.performance.checks import step_limits
from suites.performance.gather import hard_timeout, locust_environment, worker_command
from suites.performance.runner import BUILTIN_LOCUSTFILE, HOOKS_FILE, LocustSpec, MasterSpec, format_progress
from suites.performance.shapes import plan_for

MakeConfig = Callable[..., GoliveConfig]


def test_load_and_stress_use_locusts_own_options(make_config: MakeConfig) -> None:
    load = plan_for(make_config("performance.users=10", 'performance.duration="1m"').performance)
    assert (load.shape, load.users, load.seconds, load.staged) == ("load", 10, 60, False)
    stress = plan_for(make_config('performance.shape="stress"', "performance.stress_factor=2.5").performance)
    assert (stress.users, stress.staged) == (25, False)


def test_spike_sits_between_a_baseline_and_a_recovery(make_config: MakeConfig) -> None:
    settings = make_config(
        'performance.shape="spike"', "performance.users=10", "performance.spawn_rate=5",
        'performance.duration="2m"', 'performance.spike={factor=4, hold="20s"}',
    ).performance  # fmt: skip
    plan = plan_for(settings)
    assert [(s.label, s.users, s.seconds) for s in plan.stages] == [
        ("baseline", 10, 50), ("spike", 40, 20), ("recovery", 10, 50),
    ]  # fmt: skip
    assert plan.stages[1].spawn_rate == 30  # the spike arrives within a second
    assert plan.stages[0].measure_after == 3  # 10 users at 5/s take 2s, plus a second to settle
    assert plan.seconds == 120 and plan.peak_users == 40 and not plan.stop_on_breach


def test_soak_is_measured_in_windows(make_config: MakeConfig) -> None:
    plan = plan_for(make_config('performance.shape="soak"', 'performance.soak_duration="1h"').performance)
    assert [s.label for s in plan.stages] == [f"window {i}" for i in range(1, 7)]
    assert {s.seconds for s in plan.stages} == {600}
    assert plan.seconds == 3600


def test_capacity_steps_follow_users_unless_set(make_config: MakeConfig) -> None:
    default = plan_for(make_config('performance.shape="capacity"', "performance.users=10").performance)
    assert [s.users for s in default.stages] == list(range(10, 101, 10))
    assert default.stop_on_breach and default.seconds == 10 * 30
    custom = plan_for(
        make_config(
            'performance.shape="capacity"',
            'performance.capacity={start_users=5, step_users=20, max_users=70, step_duration="10s"}',
        ).performance
    )
    assert [(s.label, s.users) for s in custom.stages] == [
        ("step 1", 5),
        ("step 2", 25),
        ("step 3", 45),
        ("step 4", 65),
    ]
    assert custom.describe().startswith("capacity search: 5 to 65 users in steps of 20, 10s each")
    # Hard timeout covers every step, not just `duration`.
    assert hard_timeout(make_config('performance.shape="capacity"', "performance.timeout=1").performance) == 360


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (['performance.shape="spike"', 'performance.spike={hold="1m"}'], "spike.hold (60s) must be shorter"),
        (
            ['performance.shape="capacity"', "performance.spawn_rate=1", 'performance.capacity={step_duration="5s"}'],
            "leaves no time to measure",
        ),
        (['performance.shape="capacity"', "performance.capacity={start_users=50, max_users=20}"], "max_users (20)"),
        (["performance.expect_workers=2", 'performance.workers="auto"'], "leave workers at 1"),
        (['performance.scenarios=[{path="/a", body="x", json={a=1}}]'], "either body (text) or json"),
        (['performance.scenarios=[{path="/a", method="FETCH"}]'], "method must be one of"),
        (['performance.scenarios=[{path="a"}]'], "path must start with '/'"),
        (['performance.abort={error_ratio=0.5, for="500ms"}'], "at least 1s"),
        (["performance.abort={error_ratio=2}"], "error_ratio"),
        (['performance.shape="ramp"'], "shape"),
        (["performance.thresholds.capacity_users={fail_below=10}", "performance.thresholds.bogus={fail=1}"], "bogus"),
    ],
)
def test_invalid_settings_are_named(make_config: MakeConfig, overrides: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match="performance") as raised:
        make_config(*overrides)
    assert message in str(raised.value)


def test_staged_command_leaves_users_to_the_shape(tmp_path: Path) -> None:
    spec = LocustSpec("http://127.0.0.1:8000", BUILTIN_LOCUSTFILE, 5, 1, 20, 1, tmp_path, 60, staged=True)
    command = spec.command()
    assert "-u" not in command and "-t" not in command
    assert command[command.index("-f") + 1] == f"{HOOKS_FILE},{BUILTIN_LOCUSTFILE}"  # golive's shape wins


def test_master_waits_for_external_workers(tmp_path: Path) -> None:
    master = MasterSpec(expect_workers=3, bind_host="10.0.0.5", port=5600, max_wait=120)
    command = LocustSpec(
        "http://127.0.0.1:8000", BUILTIN_LOCUSTFILE, 5, 1, 20, 1, tmp_path, 60, master=master
    ).command()
    joined = " ".join(command)
    assert "--master --master-bind-host 10.0.0.5 --master-bind-port 5600 --expect-workers 3" in joined
    assert "--expect-workers-max-wait 120" in joined and "--processes" not in command


def test_environment_carries_plan_limits_abort_and_scenarios(tmp_path: Path, make_config: MakeConfig) -> None:
    config = make_config(
        'performance.shape="capacity"',
        'performance.thresholds={p95_ms={warn=100, fail=200}, rps={fail_below=5}, "GET /a"={p99_ms={fail=900}}}',
        'performance.abort={error_ratio=0.5, for="10s"}',
        'performance.scenarios=[{path="/a", weight=3}, {path="/b", method="post", json={q=1}, headers={X-A="1"}}]',
    )
    env = locust_environment(config.performance, Target("http://127.0.0.1:8000"), tmp_path)
    assert json.loads(env[protocol.ENV_PLAN])["stop"] is True
    # Only fail limits of per-step SLOs: rps grows with the users, so it cannot break a step.
    assert json.loads(env[protocol.ENV_STEP_LIMITS]) == {
        "overall": {"p95_ms": 200, "error_ratio": 0.01},  # the default error-ratio gate still applies
        "endpoints": {"GET /a": {"p99_ms": 900}},
    }
    assert json.loads(env[protocol.ENV_ABORT]) == {"error_ratio": 0.5, "for_s": 10}
    scenarios = json.loads(env[protocol.ENV_SCENARIOS])
    assert [(s["name"], s["weight"], s["json"]) for s in scenarios] == [("GET /a", 3, None), ("POST /b", 1, {"q": 1})]
    assert env[protocol.ENV_STEPS_FILE] == str(tmp_path / protocol.STEPS_JSON)


def test_step_limits_ignore_counts_and_throughput(make_config: MakeConfig) -> None:
    config = make_config("performance.thresholds={error_ratio={fail=0.01}, requests={fail_below=10}, max_ms={warn=9}}")
    assert step_limits(config.performance.thresholds) == {
        "overall": {"p95_ms": 1000, "error_ratio": 0.01},  # p95_ms from the defaults; max_ms has no fail limit
        "endpoints": {},
    }


def test_worker_command_names_secrets_without_printing_them(tmp_path: Path, make_config: MakeConfig) -> None:
    config = make_config(
        "performance.expect_workers=2", 'performance.master_bind_host="10.1.2.3"', "performance.master_port=5600",
        'performance.paths=["/a b"]',
    )  # fmt: skip
    target = Target("http://127.0.0.1:8000", {"Authorization": "Bearer top-secret"})
    env = locust_environment(config.performance, target, tmp_path)
    spec = LocustSpec(target.url, BUILTIN_LOCUSTFILE, 5, 1, 20, 1, tmp_path, 60, env=env)
    command = worker_command(config.performance, spec)
    assert "top-secret" not in command
    words = shlex.split(command)
    assert "GOLIVE_PERF_HEADERS=$GOLIVE_PERF_HEADERS" in command.replace('"', "")
    start = words.index("golive")
    # Nothing of this machine's files: the worker runs its own golive's locustfile.
    assert words[start:] == ["golive", "worker", "--master-host", "10.1.2.3", "--master-port", "5600"]
    assert str(tmp_path) not in command and str(BUILTIN_LOCUSTFILE.parent) not in command
    assert 'GOLIVE_PERF_PATHS=["/a b"]' in words


def test_worker_command_names_a_users_locustfile_by_its_file_name(tmp_path: Path, make_config: MakeConfig) -> None:
    own = tmp_path / "journeys.py"
    own.write_text("")
    config = make_config("performance.expect_workers=1", f'performance.locustfile="{own}"')
    spec = LocustSpec("http://127.0.0.1:8000", own, 5, 1, 20, 1, tmp_path, 60, env={})
    words = shlex.split(worker_command(config.performance, spec))
    assert words[-2:] == ["--locustfile", "journeys.py"]


def test_progress_names_the_stage_and_the_abort() -> None:
    sample = {"users": 4, "rps": 10, "p95_ms": 120, "requests": 50, "failures": 1, "stage": "step 2"}
    assert format_progress(sample) == "step 2: users 4, 10.0 rps, p95 120 ms, 1 error (50 requests)"
    assert format_progress({**sample, "aborted": True}).endswith("stopping early")
