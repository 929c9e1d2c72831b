"""The engine: run each requested suite (gather, then evaluate), emit events, reach the verdict.

This is the one place where a suite's exception becomes an `error` result, and where Ctrl-C turns into a
finished-but-interrupted run whose results so far are still written.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness import __version__
from harness.events import (
    Event,
    EventHandler,
    RunFinished,
    RunStarted,
    SuiteFinished,
    SuiteProgressed,
    SuiteStarted,
)
from harness.history import comparison_with_history
from harness.models import Check, RunResult, Status, SuiteResult, skipped_suite
from harness.preflight import check_reachable
from harness.redaction import Redactor
from harness.registry import get_suite, suite_names
from harness.rundir import create_run_dir, new_run_id, point_latest, utc_timestamp
from harness.settings import GoliveConfig
from harness.suite import EvaluateContext, GatherContext, GatherError, Suite, Target, write_atomic
from harness.verdict import decide

GATHER_STATE = "gather.json"
INTERRUPTED = "the run was interrupted (Ctrl-C or SIGTERM) before this suite finished"


@dataclass(frozen=True)
class RunPlan:
    """What to run: the validated config, which suites, where to write, and the secrets to keep out."""

    config: GoliveConfig
    suites: tuple[str, ...]
    out_dir: Path
    secrets: frozenset[str] = frozenset()
    profile: str | None = None
    today: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class RunIdentity:
    """What names a run in its result: set when it starts, kept when it is evaluated again."""

    run_id: str
    target: str
    started_at: str
    profile: str | None
    interrupted: bool
    finished_at: str = ""  # empty: now


class Emitter:
    """Hands each event to every handler, in order."""

    def __init__(self, handlers: Sequence[EventHandler]) -> None:
        self._handlers = list(handlers)

    def __call__(self, event: Event) -> None:
        for handler in self._handlers:
            handler.handle(event)


def _write_gather_state(artifact_dir: Path, state: dict[str, Any]) -> None:
    write_atomic(artifact_dir / GATHER_STATE, json.dumps(state, indent=2))


def _read_gather_state(artifact_dir: Path) -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads((artifact_dir / GATHER_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state


def _gather(suite: Suite, context: GatherContext, preflight_error: str | None) -> dict[str, Any]:
    """Run one suite's gather step and describe how it ended; never raises but for KeyboardInterrupt."""
    started = utc_timestamp(dt.datetime.now(dt.UTC))
    state: dict[str, Any] = {"suite": suite.name, "started_at": started, "completed": False, "error": None}
    if preflight_error is not None:
        state["error"] = preflight_error
        return state
    try:
        suite.gather(context)
    except GatherError as error:
        state["error"] = str(error) or "the suite could not measure"
    except KeyboardInterrupt:
        state["error"] = INTERRUPTED
        state["interrupted"] = True
        state["finished_at"] = utc_timestamp(dt.datetime.now(dt.UTC))
        _write_gather_state(context.artifact_dir, state)
        raise
    except Exception as error:  # a suite's bug must not lose the other suites' results
        state["error"] = f"{type(error).__name__}: {error}"
    else:
        state["completed"] = True
    state["finished_at"] = utc_timestamp(dt.datetime.now(dt.UTC))
    return state


def judge_suite(name: str, artifact_dir: Path, config: GoliveConfig, today: dt.date) -> SuiteResult:
    """Evaluate one suite's saved artifacts; the gather state's error, if any, is kept in the result."""
    state = _read_gather_state(artifact_dir)
    if state is None:
        return SuiteResult(name=name, error=f"no saved artifacts for {name} in {artifact_dir}")
    gather_error = state.get("error")
    if gather_error and not any(path.name != GATHER_STATE for path in artifact_dir.iterdir()):
        # Nothing was gathered (the target was unreachable, the tool never started): the cause is the one
        # reason; judging empty artifacts would only add "not measured" lines that hide it.
        return SuiteResult(name=name, error=str(gather_error))
    try:
        result = get_suite(name).evaluate(EvaluateContext(artifact_dir, config, today))
    except Exception as error:
        if gather_error:
            return SuiteResult(name=name, error=str(gather_error))
        return SuiteResult(name=name, error=f"could not evaluate the artifacts: {type(error).__name__}: {error}")
    if gather_error and result.error is None:
        result = replace(result, error=str(gather_error))
    return result


def _not_run(name: str, reason: str) -> SuiteResult:
    return SuiteResult(name=name, checks=(Check(id="suite", status=Status.ERROR, message=reason),))


def _conclude(
    identity: RunIdentity,
    suites: dict[str, SuiteResult],
    config: GoliveConfig,
    redactor: Redactor,
    out_dir: Path,
) -> RunResult:
    """The verdict and its reasons for `suites`, as a RunResult compared with the previous run in `out_dir`."""
    verdict, reasons = decide(suites)
    if identity.interrupted:
        reasons = ["the run was interrupted before it finished; results are partial", *reasons]
    result = RunResult(
        run_id=identity.run_id,
        target=identity.target,
        started_at=identity.started_at,
        finished_at=identity.finished_at or utc_timestamp(dt.datetime.now(dt.UTC)),
        verdict=verdict,
        reasons=tuple(reasons),
        suites=suites,
        profile=identity.profile,
        interrupted=identity.interrupted,
        golive_version=__version__,
        config=json.loads(redactor.text(config.model_dump_json())),
    )
    return replace(result, comparison=comparison_with_history(result, config.history, out_dir, redactor))


def execute_run(plan: RunPlan, emit: Callable[[Event], None]) -> RunResult:
    """Run the plan end to end and return the result; the RunFinished event carries it to the reporters."""
    now = dt.datetime.now(dt.UTC)
    run_id = new_run_id(now)
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    run_dir = create_run_dir(plan.out_dir, run_id)
    point_latest(plan.out_dir, run_dir)
    redactor = Redactor(plan.secrets)
    target = Target.from_config(plan.config)
    emit(RunStarted(run_id, target.url, plan.suites, run_dir))

    results: dict[str, SuiteResult] = {
        name: skipped_suite(name, "not requested") for name in suite_names() if name not in plan.suites
    }
    interrupted = False
    try:
        preflight_error = check_reachable(target)
        for name in plan.suites:
            results[name] = _run_suite(name, plan, target, run_dir, redactor, preflight_error, emit)
    except KeyboardInterrupt:
        interrupted = True
        for name in plan.suites:
            if name not in results:
                artifact_dir = run_dir / "artifacts" / name
                if _read_gather_state(artifact_dir) is not None:
                    redactor.scrub_tree(artifact_dir)
                    results[name] = judge_suite(name, artifact_dir, plan.config, plan.today)
                else:
                    results[name] = _not_run(name, INTERRUPTED)
    ordered = {name: results[name] for name in suite_names() if name in results}
    identity = RunIdentity(run_id, target.url, utc_timestamp(now), plan.profile, interrupted)
    result = _conclude(identity, ordered, plan.config, redactor, plan.out_dir)
    emit(RunFinished(result, run_dir))
    return result


def _run_suite(
    name: str,
    plan: RunPlan,
    target: Target,
    run_dir: Path,
    redactor: Redactor,
    preflight_error: str | None,
    emit: Callable[[Event], None],
) -> SuiteResult:
    try:
        suite = get_suite(name)
    except Exception as error:  # a suite that cannot even load is an error of that suite alone
        emit(SuiteStarted(name, name))
        result = SuiteResult(name=name, error=f"suite could not be loaded: {type(error).__name__}: {error}")
        emit(SuiteFinished(name, result, 0.0))
        return result
    emit(SuiteStarted(name, suite.title))
    began = time.monotonic()
    artifact_dir = run_dir / "artifacts" / name
    artifact_dir.mkdir(parents=True, exist_ok=True)

    def progress(message: str) -> None:
        emit(SuiteProgressed(name, redactor.text(message)))

    context = GatherContext(target, plan.config, artifact_dir, redactor, progress)
    state = _gather(suite, context, preflight_error)
    state["error"] = redactor.text(state["error"]) if state["error"] else None
    _write_gather_state(artifact_dir, state)
    redactor.scrub_tree(artifact_dir)
    result = judge_suite(name, artifact_dir, plan.config, plan.today)
    emit(SuiteFinished(name, result, time.monotonic() - began))
    return result


def load_saved_run(run_dir: Path) -> dict[str, Any]:
    """The result.json of an earlier run; raises ValueError with a one-line reason if it is not one."""
    path = run_dir / "result.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{run_dir} is not a golive run folder (no result.json)") from None
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} cannot be read: {error}") from None
    if data.get("schema_version") != 1:
        raise ValueError(f"{path} has schema_version {data.get('schema_version')!r}; this golive reads 1")
    return data


def execute_evaluation(
    run_dir: Path,
    saved: dict[str, Any],
    config: GoliveConfig,
    today: dt.date,
    emit: Callable[[Event], None],
    secrets: frozenset[str] = frozenset(),
) -> RunResult:
    """Re-judge a saved run's artifacts with `config`; no network access, outputs written again."""
    requested = tuple(name for name in suite_names() if (run_dir / "artifacts" / name / GATHER_STATE).exists())
    emit(RunStarted(saved["run_id"], saved.get("target", ""), requested, run_dir, evaluate_only=True))
    results: dict[str, SuiteResult] = {}
    for name in suite_names():
        if name not in requested:
            results[name] = skipped_suite(name, "not run in this run")
            continue
        began = time.monotonic()
        results[name] = judge_suite(name, run_dir / "artifacts" / name, config, today)
        emit(SuiteFinished(name, results[name], time.monotonic() - began))
    identity = RunIdentity(
        saved["run_id"],
        saved.get("target", ""),
        saved.get("started_at", ""),
        saved.get("profile"),
        bool(saved.get("interrupted")),
        finished_at=saved.get("finished_at", ""),
    )
    result = _conclude(identity, results, config, Redactor(secrets), run_dir.parent)
    emit(RunFinished(result, run_dir))
    return result
