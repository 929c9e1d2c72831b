"""The engine: run each requested suite (gather, then judge), emit events, reach the verdict.

This is the one place where a suite's exception becomes an `error` result, and where Ctrl-C turns into a
finished-but-interrupted run whose results so far are still written. Once every suite is judged, a signal no
longer makes the run partial: it waits until the verdict, reports and history are written (`harness.finishing`).
A live run judges the artifacts its suites returned, in memory; they are written to the run folder once, for
`golive evaluate`.
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
from harness.artifacts import GATHER_STATE, Artifacts
from harness.auth.hooks import SignedInRun, activity, lost_sessions
from harness.auth.session import SessionKeeper, mark_lost
from harness.events import (
    Event,
    EventHandler,
    RunFinished,
    RunStarted,
    SuiteFinished,
    SuiteProgressed,
    SuiteStarted,
)
from harness.files import write_atomic
from harness.finishing import finishing
from harness.history import comparison_with_history
from harness.history_gates import apply_history_gates
from harness.models import SCHEMA_VERSION, Check, Reason, RunResult, Status, SuiteResult, skipped_suite
from harness.preflight import check_reachable
from harness.redaction import Redactor
from harness.registry import get_suite, suite_names
from harness.rundir import CACHE_FOLDER, create_run_dir, new_run_id, point_latest, utc_timestamp
from harness.settings import GoliveConfig
from harness.suite import GatherContext, GatherError, JudgeContext, Suite
from harness.target import Target
from harness.verdict import decide
from harness.waivers import unused_waivers

INTERRUPTED = "the run was interrupted (Ctrl-C or SIGTERM) before this suite finished"
READABLE_SCHEMAS = (1, SCHEMA_VERSION)
RUN_CONFIG = "config.json"


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
    evaluated_at: str = ""  # set when `golive evaluate` judged the run again


@dataclass
class Gathered:
    """How one suite's gathering ended: its artifacts and, if it could not finish, why."""

    suite: str
    started_at: str
    artifacts: Artifacts
    error: str | None = None
    completed: bool = False
    interrupted: bool = False
    finished_at: str = ""

    def state(self) -> dict[str, Any]:
        """The record written beside the artifacts, so `golive evaluate` knows how gathering ended."""
        return {
            "suite": self.suite,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "completed": self.completed,
            "interrupted": self.interrupted,
            "error": self.error,
        }


class Emitter:
    """Hands each event to every handler, in order."""

    def __init__(self, handlers: Sequence[EventHandler]) -> None:
        self._handlers = list(handlers)

    def __call__(self, event: Event) -> None:
        for handler in self._handlers:
            handler.handle(event)


def _now() -> str:
    return utc_timestamp(dt.datetime.now(dt.UTC))


def _gather(suite: Suite, context: GatherContext, preflight_error: str | None) -> Gathered:
    """Run one suite's gather step and describe how it ended; never raises but for KeyboardInterrupt."""
    gathered = Gathered(suite.name, _now(), context.artifacts)
    if preflight_error is not None:
        gathered.error = preflight_error
        gathered.finished_at = _now()
        return gathered
    try:
        returned = suite.gather(context)
    except GatherError as error:
        gathered.error = str(error) or "the suite could not measure"
    except KeyboardInterrupt:
        gathered.error = INTERRUPTED
        gathered.interrupted = True
        gathered.finished_at = _now()
        raise
    except Exception as error:  # a suite's bug must not lose the other suites' results
        gathered.error = f"{type(error).__name__}: {error}"
    else:
        gathered.completed = True
        if isinstance(returned, Artifacts) and returned is not context.artifacts:
            gathered.artifacts = context.artifacts.merged(returned)
    gathered.finished_at = _now()
    return gathered


def judge_suite(suite: Suite, gathered_error: str | None, artifacts: Artifacts, context: JudgeContext) -> SuiteResult:
    """Judge one suite's artifacts; a gathering error is kept in the result, a judging exception becomes one."""
    if gathered_error and not len(artifacts):
        # Nothing was gathered (the target was unreachable, the tool never started): the cause is the one
        # reason; judging empty artifacts would only add "not measured" lines that hide it.
        return SuiteResult(name=suite.name, error=gathered_error)
    try:
        result = suite.judge(artifacts, context)
    except Exception as error:
        if gathered_error:
            return SuiteResult(name=suite.name, error=gathered_error)
        return SuiteResult(name=suite.name, error=f"could not evaluate the artifacts: {type(error).__name__}: {error}")
    if gathered_error and result.error is None:
        result = replace(result, error=gathered_error)
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
    sections = {name: getattr(config, name, None) for name in config.section_names()}
    history = config.history
    suites = apply_history_gates(suites, sections, history, identity.target, identity.profile, identity.run_id, out_dir)
    verdict, reasons = decide(suites)
    # A waiver is judged only against suites that measured; a suite that could not says nothing about it.
    ran = {
        name: suite.findings
        for name, suite in suites.items()
        if suite.status is not Status.SKIPPED and suite.error is None
    }
    reasons += [Reason(None, (), note) for note in unused_waivers(config.waivers, ran)]
    if identity.interrupted:
        reasons = [Reason(None, (), "the run was interrupted before it finished; results are partial"), *reasons]
    result = RunResult(
        run_id=identity.run_id,
        target=identity.target,
        started_at=identity.started_at,
        finished_at=identity.finished_at or _now(),
        verdict=verdict,
        reasons=tuple(reasons),
        suites=suites,
        profile=identity.profile,
        interrupted=identity.interrupted,
        golive_version=__version__,
        config=json.loads(redactor.text(config.model_dump_json())),
        evaluated_at=identity.evaluated_at or None,
    )
    return replace(result, comparison=comparison_with_history(result, config.history, out_dir, redactor))


class _SuiteRunner:
    """Runs the suites of one plan in order, keeping what each gathered even when the run is interrupted."""

    def __init__(self, plan: RunPlan, run_dir: Path, redactor: Redactor, emit: Callable[[Event], None]) -> None:
        self.plan = plan
        self.run_dir = run_dir
        self.redactor = redactor
        self.emit = emit
        self.target = Target.from_config(plan.config)
        self.in_progress: tuple[Suite, GatherContext] | None = None

    def artifact_dir(self, name: str) -> Path:
        return self.run_dir / "artifacts" / name

    def progress_of(self, name: str, message: str) -> None:
        """One progress line under `name` (a suite, or "auth"), secrets masked."""
        self.emit(SuiteProgressed(name, self.redactor.text(message)))

    def run(self, name: str, preflight_error: str | None) -> SuiteResult:
        try:
            suite = get_suite(name)
        except Exception as error:  # a suite that cannot even load is an error of that suite alone
            self.emit(SuiteStarted(name, name))
            result = SuiteResult(name=name, error=f"suite could not be loaded: {type(error).__name__}: {error}")
            self.emit(SuiteFinished(name, result, 0.0))
            return result
        self.emit(SuiteStarted(name, suite.title))
        began = time.monotonic()
        artifact_dir = self.artifact_dir(name)
        artifact_dir.mkdir(parents=True, exist_ok=True)

        def progress(message: str) -> None:
            self.progress_of(name, message)

        settings = getattr(self.plan.config, name, None)
        cache_dir = self.run_dir.parent / CACHE_FOLDER / name
        context = GatherContext(
            self.target, self.plan.config, artifact_dir, self.redactor, progress, settings, cache_dir=cache_dir
        )
        self.in_progress = (suite, context)
        gathered = _gather(suite, context, preflight_error)
        self.in_progress = None
        result = self.finish(suite, gathered)
        self.emit(SuiteFinished(name, result, time.monotonic() - began))
        return result

    def finish(self, suite: Suite, gathered: Gathered) -> SuiteResult:
        """Write the artifacts once, mask secrets in the tools' own files, and judge."""
        artifact_dir = self.artifact_dir(suite.name)
        if gathered.error:
            gathered.error = self.redactor.text(gathered.error)
        gathered.artifacts.write(artifact_dir, self.redactor)
        write_atomic(artifact_dir / GATHER_STATE, json.dumps(gathered.state(), indent=2))
        self.redactor.scrub_tree(artifact_dir)
        settings = getattr(self.plan.config, suite.name, None)
        context = JudgeContext(self.plan.config, settings, self.plan.today, artifact_dir)
        return judge_suite(suite, gathered.error, gathered.artifacts, context)

    def interrupted(self) -> SuiteResult | None:
        """The result of the suite that was gathering when the run was interrupted, from what it had so far."""
        if self.in_progress is None:
            return None
        suite, context = self.in_progress
        gathered = Gathered(suite.name, _now(), context.artifacts, INTERRUPTED, interrupted=True, finished_at=_now())
        return self.finish(suite, gathered)


def execute_run(plan: RunPlan, emit: Callable[[Event], None], redactor: Redactor | None = None) -> RunResult:
    """Run the plan end to end and return the result; the RunFinished event carries it to the reporters.

    `redactor` is shared with the event handlers that write, so a session cookie learnt while signing in is
    masked everywhere; by default one is made from the plan's secrets.
    """
    now = dt.datetime.now(dt.UTC)
    run_id = new_run_id(now)
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    run_dir = create_run_dir(plan.out_dir, run_id)
    latest_problem = point_latest(plan.out_dir, run_dir)
    redactor = redactor if redactor is not None else Redactor(plan.secrets)
    # The config the run was made with, kept apart from result.json, which each evaluation rewrites.
    write_atomic(run_dir / RUN_CONFIG, redactor.text(plan.config.model_dump_json(indent=2, exclude={"profiles"})))
    runner = _SuiteRunner(plan, run_dir, redactor, emit)
    emit(RunStarted(run_id, runner.target.url, plan.suites, run_dir))
    keeper = SessionKeeper.for_config(plan.config, redactor, lambda message: runner.progress_of("auth", message))
    signed_in = SignedInRun(keeper, runner)

    results: dict[str, SuiteResult] = {
        name: skipped_suite(name, "not requested") for name in suite_names() if name not in plan.suites
    }
    interrupted = False
    try:
        preflight_error = check_reachable(runner.target) or signed_in.start()
        for name in plan.suites:
            results[name] = runner.run(name, preflight_error)
            if preflight_error is None:
                results[name], preflight_error = signed_in.after(name, results[name])
    except KeyboardInterrupt:
        interrupted = True
        partial = runner.interrupted()
        if partial is not None:
            results[partial.name] = partial
        for name in plan.suites:
            results.setdefault(name, _not_run(name, INTERRUPTED))
    finally:
        signed_in.finish(run_dir)
    ordered = {name: results[name] for name in suite_names() if name in results}
    identity = RunIdentity(run_id, runner.target.url, utc_timestamp(now), plan.profile, interrupted)
    with finishing():
        result = _conclude(identity, ordered, plan.config, redactor, plan.out_dir)
        notes = [note for note in (signed_in.summary(), latest_problem) if note is not None]
        if notes:
            result = replace(result, reasons=(*result.reasons, *(Reason(None, (), note) for note in notes)))
        emit(RunFinished(result, run_dir))
    return result


def original_config(run_dir: Path, saved: dict[str, Any]) -> dict[str, Any]:
    """The config a run was made with: its config.json, or (for older runs) the config in its result.json."""
    try:
        data = json.loads((run_dir / RUN_CONFIG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = saved.get("config") or {}
    config = dict(data) if isinstance(data, dict) else {}
    config.pop("profiles", None)
    return config


def load_saved_run(run_dir: Path) -> dict[str, Any]:
    """The result.json of an earlier run; raises ValueError with a one-line reason if it is not one."""
    path = run_dir / "result.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{run_dir} is not a golive run folder (no result.json)") from None
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} cannot be read: {error}") from None
    if data.get("schema_version") not in READABLE_SCHEMAS:
        readable = " or ".join(str(version) for version in READABLE_SCHEMAS)
        raise ValueError(f"{path} has schema_version {data.get('schema_version')!r}; this golive reads {readable}")
    return data


def _read_gather_state(artifact_dir: Path) -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads((artifact_dir / GATHER_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state


def _judge_saved(name: str, artifact_dir: Path, config: GoliveConfig, today: dt.date) -> SuiteResult:
    """Judge one suite of a saved run from its artifact folder."""
    state = _read_gather_state(artifact_dir) or {}
    error = state.get("error")
    try:
        suite = get_suite(name)
        artifacts = suite.load_artifacts(artifact_dir)
    except Exception as failure:
        return SuiteResult(name=name, error=f"the saved artifacts cannot be read: {type(failure).__name__}: {failure}")
    context = JudgeContext(config, getattr(config, name, None), today, artifact_dir)
    return judge_suite(suite, str(error) if error else None, artifacts, context)


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
    lost = lost_sessions(run_dir)
    for name in suite_names():
        if name not in requested:
            results[name] = skipped_suite(name, "not run in this run")
            continue
        began = time.monotonic()
        results[name] = _judge_saved(name, run_dir / "artifacts" / name, config, today)
        if name in lost:
            # The artifacts may cover logged-out pages: judging them again does not make that go away.
            results[name] = mark_lost(results[name], activity(name), config.auth.lost, lost[name])
        emit(SuiteFinished(name, results[name], time.monotonic() - began))
    identity = RunIdentity(
        saved["run_id"],
        saved.get("target", ""),
        saved.get("started_at", ""),
        saved.get("profile"),
        bool(saved.get("interrupted")),
        finished_at=saved.get("finished_at", ""),
        evaluated_at=_now(),
    )
    with finishing():
        result = _conclude(identity, results, config, Redactor(secrets), run_dir.parent)
        emit(RunFinished(result, run_dir))
    return result
