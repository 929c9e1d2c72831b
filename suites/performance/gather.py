"""Gather: run Locust (in its own processes) against the target and save its raw output."""

from __future__ import annotations

import json
import shlex
import socket
from pathlib import Path
from typing import Any

from harness.suite import GatherContext, GatherError, Target
from harness.tls_trust import untrusted_reason
from suites.performance import protocol
from suites.performance.api_paths import with_api_paths
from suites.performance.checks import step_limits
from suites.performance.load import tool_documents
from suites.performance.runner import (
    BUILTIN_LOCUSTFILE,
    SHUTDOWN_GRACE_SECONDS,
    LocustOutcome,
    LocustSpec,
    MasterSpec,
    format_progress,
    run_locust,
    summarise_stderr,
)
from suites.performance.settings import PerformanceSettings
from suites.performance.shapes import LoadPlan, plan_for

# Addresses that mean "every interface": workers must be told a name they can reach instead.
_ANY_ADDRESS = ("*", "", "0.0.0.0", "::")


def scenarios_json(settings: PerformanceSettings, target: Target | None = None) -> str | None:
    """`[[performance.scenarios]]` as the built-in locustfile reads them, or None when `paths` are used.

    Sign-out links (`auth.logout`) are left out: they would end the session every virtual user sends.
    """
    if not settings.scenarios:
        return None
    target = target or Target("")
    return json.dumps(
        [
            {
                "path": scenario.path,
                "method": scenario.method,
                "weight": scenario.weight,
                "name": scenario.label,
                "body": scenario.body,
                "json": scenario.json_body,
                "headers": scenario.headers,
            }
            for scenario in settings.scenarios
            if not target.is_logout(scenario.path)
        ]
    )


def logout_requests(settings: PerformanceSettings, target: Target) -> list[str]:
    """The configured paths (or scenarios) that are sign-out links, never requested."""
    paths = [scenario.path for scenario in settings.scenarios] if settings.scenarios else settings.paths
    return [path for path in paths if target.is_logout(path)]


def locust_environment(settings: PerformanceSettings, target: Target, artifact_dir: Path) -> dict[str, str]:
    """The environment variables the built-in (or the user's own) locustfile and golive's hooks read."""
    env = {
        protocol.ENV_TARGET_URL: target.url,
        protocol.ENV_PATHS: json.dumps([path for path in settings.paths if not target.is_logout(path)]),
        protocol.ENV_LOGIN_URL: target.login_url,
        protocol.ENV_THINK_TIME: json.dumps(settings.think_time),
        protocol.ENV_HEADERS: json.dumps(target.request_headers()),
        protocol.ENV_USER_CLASS: settings.user_class,
        protocol.ENV_ERRORS_FILE: str(artifact_dir / protocol.ERRORS_JSON),
        protocol.ENV_STEPS_FILE: str(artifact_dir / protocol.STEPS_JSON),
    }
    scenarios = scenarios_json(settings, target)
    if scenarios is not None:
        env[protocol.ENV_SCENARIOS] = scenarios
    plan = plan_for(settings)
    if plan.staged:
        env[protocol.ENV_PLAN] = plan.to_json()
    if plan.stop_on_breach:
        env[protocol.ENV_STEP_LIMITS] = json.dumps(step_limits(settings.thresholds))
    if settings.abort is not None:
        env[protocol.ENV_ABORT] = json.dumps({"error_ratio": settings.abort.error_ratio, "for_s": settings.abort.for_})
    if target.ca_file:
        # HttpUser (requests) verifies certificates against its own bundle; the target's private CA is the one.
        env["REQUESTS_CA_BUNDLE"] = str(Path(target.ca_file).resolve())
    return env


def resolve_locustfile(settings: PerformanceSettings) -> Path:
    """The locustfile to run: the user's own (must exist) or golive's built-in one."""
    if settings.locustfile is None:
        return BUILTIN_LOCUSTFILE
    path = Path(settings.locustfile).expanduser().resolve()
    if not path.is_file():
        raise GatherError(f"performance.locustfile {settings.locustfile!r} does not exist (resolved to {path})")
    return path


def hard_timeout(settings: PerformanceSettings) -> float:
    """performance.timeout, but never so short that it would cut a full-length run off before Locust stops.

    A full-length run is the planned load (a capacity search's every step, a soak's whole length), plus the wait
    for external workers when the master expects them.
    """
    planned = plan_for(settings).seconds + SHUTDOWN_GRACE_SECONDS
    if settings.expect_workers is not None:
        planned += settings.expect_workers_timeout
    return max(settings.timeout, planned)


def master_spec(settings: PerformanceSettings) -> MasterSpec | None:
    """The distributed master's options when `expect_workers` is set."""
    if settings.expect_workers is None:
        return None
    return MasterSpec(
        settings.expect_workers, settings.master_bind_host, settings.master_port, settings.expect_workers_timeout
    )


def build_spec(context: GatherContext, settings: PerformanceSettings | None = None) -> LocustSpec:
    """Everything the runner needs, from the config (or `settings`, the paths completed) and the target."""
    settings = settings or context.settings_as(PerformanceSettings, "performance")
    plan = plan_for(settings)
    return LocustSpec(
        host=context.target.url,
        locustfile=resolve_locustfile(settings),
        users=plan.users,
        spawn_rate=plan.spawn_rate,
        duration=plan.seconds,
        workers=settings.workers,
        artifact_dir=context.artifact_dir,
        hard_timeout=hard_timeout(settings),
        env=locust_environment(settings, context.target, context.artifact_dir),
        staged=plan.staged,
        master=master_spec(settings),
    )


def worker_command(settings: PerformanceSettings, spec: LocustSpec) -> str:
    """The command to run on each external worker machine (`expect_workers`); it never contains a secret.

    The workers run their own golive's locustfile (or a copy of the user's, named by file name) with the same
    parameters (environment variables). Headers are secrets, so they are named, not printed: export
    GOLIVE_PERF_HEADERS on the worker (a JSON object) before running it.
    """
    host = settings.master_bind_host if settings.master_bind_host not in _ANY_ADDRESS else socket.gethostname()
    names = [protocol.ENV_TARGET_URL, protocol.ENV_THINK_TIME, protocol.ENV_USER_CLASS, protocol.ENV_LOGIN_URL]
    names.append(protocol.ENV_PATHS if not settings.scenarios else protocol.ENV_SCENARIOS)
    assignments = [f"{name}={shlex.quote(spec.env[name])}" for name in names if name in spec.env]
    secret_bearing = [protocol.ENV_HEADERS] if json.loads(spec.env.get(protocol.ENV_HEADERS, "{}")) else []
    if settings.scenarios and any(scenario.headers for scenario in settings.scenarios):
        # Per-request headers travel inside the scenarios, so those are a secret as a whole.
        assignments.pop()
        secret_bearing.append(protocol.ENV_SCENARIOS)
    assignments += [f'{name}="${name}"' for name in secret_bearing]
    command = ["golive", "worker", "--master-host", host, "--master-port", str(settings.master_port)]
    if settings.locustfile is not None:
        command += ["--locustfile", Path(settings.locustfile).name]
    return " ".join([*assignments, *(shlex.quote(part) for part in command)])


def _parameters(settings: PerformanceSettings, spec: LocustSpec, plan: LoadPlan) -> dict[str, Any]:
    builtin = settings.locustfile is None
    parameters: dict[str, Any] = {
        "shape": settings.shape,
        "plan": plan.describe(),
        "users": settings.users,
        "peak_users": plan.peak_users,
        "spawn_rate": settings.spawn_rate,
        "duration_s": plan.seconds,
        "workers": settings.workers,
        "user_class": settings.user_class if builtin else None,
        "paths": settings.paths if builtin and not settings.scenarios else None,
        "think_time": settings.think_time,
        "locustfile": settings.locustfile or "built-in",
        "hard_timeout_s": spec.hard_timeout,
    }
    if builtin and settings.scenarios:
        # Header values may be secrets; their names say enough.
        parameters["scenarios"] = [
            {"request": s.label, "weight": s.weight, "headers": sorted(s.headers)} for s in settings.scenarios
        ]
    if settings.abort is not None:
        parameters["abort"] = {"error_ratio": settings.abort.error_ratio, "for_s": settings.abort.for_}
    if settings.expect_workers is not None:
        parameters["expect_workers"] = settings.expect_workers
    return parameters


def gather_error(outcome: LocustOutcome, results_saved: bool) -> str | None:
    """The one-line reason the measurement cannot be trusted, or None if Locust ran and finished normally."""
    summary = summarise_stderr(outcome.stderr_tail)
    detail = f": {summary}" if summary else ""
    if outcome.timed_out:
        how = "killed" if outcome.killed else "stopped"
        return f"Locust did not finish within performance.timeout ({outcome.seconds:.0f}s) and was {how}"
    if outcome.exit_code not in (0, None):
        # Whether results were saved is the evaluate step's to say; this line says why Locust stopped.
        return f"Locust exited with code {outcome.exit_code}{detail}"
    if not results_saved:
        return f"Locust saved no results ({protocol.LOCUST_JSON} is missing){detail}"
    return None


def gather(context: GatherContext) -> None:
    """Run Locust against the target (loopback or target.allowed_hosts only) and save its raw output."""
    if not context.target.allows_load():
        raise GatherError(
            f"host {context.target.host!r} is not in target.allowed_hosts, so the load test was refused; "
            "add it to [target] allowed_hosts if you own it"
        )
    untrusted = untrusted_reason(context.target.url, context.target.ca_file)
    if untrusted:
        # Every request would fail on the handshake, measuring the certificate rather than the service.
        raise GatherError(f"load test not run: {untrusted}")
    api = with_api_paths(context.settings_as(PerformanceSettings, "performance"), context.config, context.target)
    settings = api.settings
    skipped = logout_requests(settings, context.target)
    planned = len(settings.scenarios) if settings.scenarios else len(settings.paths)
    if skipped and len(skipped) == planned:
        raise GatherError(
            f"every path of the load test is a sign-out link (auth.logout matches {', '.join(skipped)}), so nothing "
            "was requested; list the pages to load in performance.paths"
        )
    spec = build_spec(context, settings)
    plan = plan_for(settings)
    record: dict[str, Any] = {"parameters": _parameters(settings, spec, plan), "started": True}
    if api.record:
        record["parameters"]["openapi"] = api.record
        context.progress(
            f"loading {len(api.record['added'])} GET operation(s) of the OpenAPI definition {api.record['definition']} "
            f"beside performance.paths ({len(api.record['skipped'])} without examples left out)"
        )
    if skipped:
        record["parameters"]["logout_paths_skipped"] = skipped
        context.progress(f"not requesting sign-out link(s) {', '.join(skipped)} (auth.logout)")
    if settings.expect_workers is not None:
        record["worker_command"] = worker_command(settings, spec)
    context.write_json(protocol.RUN_JSON, record)
    if plan.staged:
        starting = f"starting {plan.describe()}"
    else:
        if settings.expect_workers is not None:
            how = f"a master for {settings.expect_workers} external worker(s)"
        else:
            how = "workers " + str(settings.workers) if settings.workers != 1 else "one process"
        starting = f"starting {plan.users} users for {plan.seconds:g}s ({settings.shape}; {how})"
    if settings.expect_workers is not None:
        # One line: the console throttles progress, and this is the line the operator must not miss.
        command = record["worker_command"]
        secrets = ' (first set the variables written as "$NAME": they hold secrets)' if '="$' in command else ""
        starting += (
            f"; waiting up to {settings.expect_workers_timeout:g}s for {settings.expect_workers} external "
            f"worker(s); on each worker machine{secrets} run: {command}"
        )
    context.progress(starting)
    outcome = run_locust(spec, lambda sample: context.progress(format_progress(sample)))
    record.update(outcome.to_dict())
    context.write_json(protocol.RUN_JSON, record)
    # Locust has stopped: what it wrote becomes documents, judged from memory and written once beside its files.
    for name, data in tool_documents(context.artifact_dir).items():
        context.artifacts.put(name, data)
    if outcome.interrupted:
        raise KeyboardInterrupt
    problem = gather_error(outcome, (context.artifact_dir / protocol.LOCUST_JSON).is_file())
    if problem is not None:
        raise GatherError(problem)
