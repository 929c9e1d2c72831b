"""The performance suite: gather = run Locust against the target; evaluate = judge its saved results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.models import SuiteResult
from harness.registry import register
from harness.suite import EvaluateContext, GatherContext, GatherError, Target
from suites.performance import protocol
from suites.performance.evaluate import evaluate_run
from suites.performance.runner import (
    BUILTIN_LOCUSTFILE,
    SHUTDOWN_GRACE_SECONDS,
    LocustOutcome,
    LocustSpec,
    format_progress,
    run_locust,
    summarise_stderr,
)
from suites.performance.settings import PerformanceSettings


def request_headers(target: Target) -> dict[str, str]:
    """Headers for every request: `target.headers`, with `target.cookies` folded into one Cookie header."""
    headers = dict(target.headers)
    if target.cookies:
        cookie = "; ".join(f"{name}={value}" for name, value in target.cookies.items())
        existing = headers.pop("Cookie", None) or headers.pop("cookie", None)
        headers["Cookie"] = f"{existing}; {cookie}" if existing else cookie
    return headers


def locust_environment(settings: PerformanceSettings, target: Target, artifact_dir: Path) -> dict[str, str]:
    """The environment variables the built-in (or the user's own) locustfile and golive's hooks read."""
    return {
        protocol.ENV_TARGET_URL: target.url,
        protocol.ENV_PATHS: json.dumps(settings.paths),
        protocol.ENV_THINK_TIME: json.dumps(settings.think_time),
        protocol.ENV_HEADERS: json.dumps(request_headers(target)),
        protocol.ENV_USER_CLASS: settings.user_class,
        protocol.ENV_ERRORS_FILE: str(artifact_dir / protocol.ERRORS_JSON),
    }


def resolve_locustfile(settings: PerformanceSettings) -> Path:
    """The locustfile to run: the user's own (must exist) or golive's built-in one."""
    if settings.locustfile is None:
        return BUILTIN_LOCUSTFILE
    path = Path(settings.locustfile).expanduser().resolve()
    if not path.is_file():
        raise GatherError(f"performance.locustfile {settings.locustfile!r} does not exist (resolved to {path})")
    return path


def hard_timeout(settings: PerformanceSettings) -> float:
    """performance.timeout, but never so short that it would cut a full-length run off before Locust stops."""
    return max(settings.timeout, settings.duration + SHUTDOWN_GRACE_SECONDS)


def build_spec(context: GatherContext) -> LocustSpec:
    """Everything the runner needs, from the config and the target."""
    settings = context.config.performance
    return LocustSpec(
        host=context.target.url,
        locustfile=resolve_locustfile(settings),
        users=settings.users,
        spawn_rate=settings.spawn_rate,
        duration=settings.duration,
        workers=settings.workers,
        artifact_dir=context.artifact_dir,
        hard_timeout=hard_timeout(settings),
        env=locust_environment(settings, context.target, context.artifact_dir),
    )


def _parameters(settings: PerformanceSettings, spec: LocustSpec) -> dict[str, Any]:
    return {
        "users": settings.users,
        "spawn_rate": settings.spawn_rate,
        "duration_s": settings.duration,
        "workers": settings.workers,
        "user_class": settings.user_class if settings.locustfile is None else None,
        "paths": settings.paths if settings.locustfile is None else None,
        "think_time": settings.think_time,
        "locustfile": settings.locustfile or "built-in",
        "hard_timeout_s": spec.hard_timeout,
    }


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


@register("performance")
class PerformanceSuite:
    """Load test with Locust: users, spawn rate and duration from `[performance]`, gated on latency and errors."""

    name = "performance"
    title = "Load test (Locust)"

    def gather(self, context: GatherContext) -> None:
        """Run Locust against the target (loopback or target.allowed_hosts only) and save its raw output."""
        if not context.target.allows_load():
            raise GatherError(
                f"host {context.target.host!r} is not in target.allowed_hosts, so the load test was refused; "
                "add it to [target] allowed_hosts if you own it"
            )
        settings = context.config.performance
        spec = build_spec(context)
        record: dict[str, Any] = {"parameters": _parameters(settings, spec), "started": True}
        context.write_json(protocol.RUN_JSON, record)
        context.progress(
            f"starting {settings.users} users for {settings.duration:g}s "
            f"({'workers ' + str(settings.workers) if settings.workers != 1 else 'one process'})"
        )
        outcome = run_locust(spec, lambda sample: context.progress(format_progress(sample)))
        record.update(outcome.to_dict())
        context.write_json(protocol.RUN_JSON, record)
        if outcome.interrupted:
            raise KeyboardInterrupt
        problem = gather_error(outcome, (context.artifact_dir / protocol.LOCUST_JSON).is_file())
        if problem is not None:
            raise GatherError(problem)

    def evaluate(self, context: EvaluateContext) -> SuiteResult:
        """Judge the saved Locust results against `[performance.thresholds]`; no network."""
        return evaluate_run(context.artifact_dir, context.config, context.today)
