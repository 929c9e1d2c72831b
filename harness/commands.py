"""The commands behind the CLI: each is a short pipeline of load → plan → run → report → exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from harness.ci_summary import StepSummary
from harness.config_loader import LoadedConfig, find_default_config, load_config, profile_problems
from harness.console import Console
from harness.engine import Emitter, RunPlan, execute_evaluation, execute_run, load_saved_run, original_config
from harness.errors import (
    EXIT_INCONCLUSIVE,
    EXIT_INTERRUPTED,
    EXIT_NOT_READY,
    EXIT_READY,
    ConfigError,
    UsageError,
)
from harness.events import EventHandler
from harness.history import HistoryRecorder
from harness.models import RunResult, Verdict
from harness.notify import Notifier
from harness.redaction import Redactor
from harness.registry import SuiteLoadError, default_suites, get_suite
from harness.reporters import ReportWriter
from harness.rundir import check_writable, no_room
from harness.settings import GoliveConfig
from harness.suite_index import installed_commands
from harness.target import Target
from harness.trend_writer import TrendPageWriter

_EXIT_FOR_VERDICT = {
    Verdict.READY: EXIT_READY,
    Verdict.NOT_READY: EXIT_NOT_READY,
    Verdict.INCONCLUSIVE: EXIT_INCONCLUSIVE,
}


def exit_code_for(result: RunResult) -> int:
    """The process exit code for a finished (or interrupted) run."""
    return EXIT_INTERRUPTED if result.interrupted else _EXIT_FOR_VERDICT[result.verdict]


def _load(
    config_path: Path | None, profile: str | None, overrides: list[str], target: str | None = None
) -> LoadedConfig:
    path = config_path if config_path is not None else find_default_config(Path.cwd())
    try:
        return load_config(path, profile, overrides, target)
    except ConfigError as error:
        raise UsageError(str(error)) from None


def suite_problems(config: GoliveConfig, chosen: tuple[str, ...]) -> list[str]:
    """What in the target's and the chosen suites' settings would stop them (files that do not exist), before
    anything runs."""
    ca_file = config.target.ca_file
    problems = [f"target.ca_file: no such file {ca_file!r}"] if ca_file and not Path(ca_file).is_file() else []
    for name in chosen:
        try:
            problems += get_suite(name).config_problems(getattr(config, name, None))
        except SuiteLoadError as error:
            problems.append(str(error))
    return problems


def plan_run(loaded: LoadedConfig, suites: list[str] | None, out_dir: Path) -> RunPlan:
    """Decide what runs; refuse (before anything runs) a plan that is unsafe, broken or has no target."""
    config = loaded.config
    if not config.target.url:
        raise UsageError("no target: pass --target URL or set target.url in the config")
    chosen = tuple(dict.fromkeys(suites or config.suites or default_suites()))
    problems = suite_problems(config, chosen)
    if problems:
        raise UsageError("; ".join(problems))
    target = Target.from_config(config)
    if not target.allows_load():
        unsafe = []
        for name in chosen:
            try:
                traffic = get_suite(name).active_traffic(getattr(config, name, None))
            except SuiteLoadError as error:
                raise UsageError(str(error)) from None
            if traffic:
                unsafe.append(traffic)
        if unsafe:
            raise UsageError(
                f"host {target.host!r} is not in target.allowed_hosts, so {' and '.join(unsafe)} are refused; "
                f"add it to [target] allowed_hosts if you own it, or pick other suites with --suite"
            )
    return RunPlan(config, chosen, out_dir, loaded.secrets, loaded.profile)


def _run_plan(plan: RunPlan, label: str | None = None) -> int:
    problem = check_writable(plan.out_dir)
    if problem is not None:
        raise UsageError(f"output folder {plan.out_dir} cannot be used ({problem}); choose another with --out")
    redactor = Redactor(plan.secrets)
    history = HistoryRecorder(plan.config.history, plan.out_dir, redactor, label)
    # The console goes last: the verdict is printed once the reports exist, and a closed pipe cannot stop them.
    trends = TrendPageWriter(plan.config.history, plan.out_dir, redactor)
    handlers: list[EventHandler] = [ReportWriter(redactor), history, trends, StepSummary()]
    emit = Emitter([*handlers, Console(redactor=redactor), Notifier(plan.config.notify.webhook, redactor)])
    try:
        result = execute_run(plan, emit, redactor)
    except OSError as error:
        full = no_room(error)
        if full is None:
            raise
        # Without all of its result and reports the run cannot be shown as it was: no verdict is given.
        raise UsageError(
            f"cannot write to output folder {plan.out_dir}: {full}, so the run's results and reports are "
            "incomplete; free some space or choose another with --out"
        ) from None
    return exit_code_for(result)


def command_run(args: argparse.Namespace) -> int:
    """`golive run`: run the suites against the target and write the run folder."""
    loaded = _load(args.config, args.profile, args.overrides, args.target)
    return _run_plan(plan_run(loaded, args.suites, args.out), args.label)


def _followed(run_dir: Path) -> Path:
    """The run folder itself (`reports/latest` followed to it), relative when it was given relative, so that the
    paths golive prints are the ones the user would type."""
    real = run_dir.resolve()
    if run_dir.is_absolute():
        return real
    try:
        return real.relative_to(Path.cwd())
    except ValueError:
        return real


def command_evaluate(args: argparse.Namespace) -> int:
    """`golive evaluate RUN_DIR`: re-judge saved artifacts with a changed config; no network access."""
    run_dir = _followed(args.run_dir)
    try:
        saved = load_saved_run(run_dir)
    except ValueError as error:
        raise UsageError(str(error)) from None
    # The run's own config, then ./golive.toml (or --config), then --set: an override given to one evaluation
    # is recorded in that evaluation's result only, never carried into the next.
    base = original_config(run_dir, saved)
    path = args.config if args.config is not None else find_default_config(Path.cwd())
    try:
        loaded = load_config(path, None, args.overrides, None, base=base)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    redactor = Redactor(loaded.secrets)
    history = HistoryRecorder(loaded.config.history, run_dir.parent, redactor)
    trends = TrendPageWriter(loaded.config.history, run_dir.parent, redactor)
    emit = Emitter([ReportWriter(redactor), history, trends, Console(redactor=redactor)])
    result = execute_evaluation(run_dir, saved, loaded.config, dt.date.today(), emit, loaded.secrets)
    return _EXIT_FOR_VERDICT[result.verdict]


def command_demo(args: argparse.Namespace) -> int:
    """`golive demo`: start the bundled demo service on loopback and run every suite against it."""
    from harness.demo.service import demo_config_overrides, running_demo_service

    with running_demo_service() as url:
        print(
            f"golive demo: demo service running at {url} (it has deliberate problems to find)",
            file=sys.stderr,
        )
        loaded = _load(None, None, demo_config_overrides(), url)
        return _run_plan(plan_run(loaded, None, args.out))


def command_config_check(args: argparse.Namespace) -> int:
    """`golive config check`: validate the config as `run` would, every profile too; print what it resolves to."""
    path = args.config if args.config is not None else find_default_config(Path.cwd())
    try:
        loaded = load_config(path, args.profile, args.overrides)
    except ConfigError as error:
        # The profiles are checked too, so one try names every problem the file has.
        try:
            also = profile_problems(path, already_said=error.problems)
        except ConfigError:
            also = []
        raise UsageError("; ".join([str(error), *also])) from None
    config = loaded.config
    problems = [] if config.target.url else ["no target: set target.url in the config (or pass --target to run)"]
    problems += suite_problems(config, tuple(config.suites or default_suites()))
    try:
        problems += profile_problems(path)
    except ConfigError as error:
        problems.append(str(error))
    if problems:
        raise UsageError("; ".join(problems))
    resolved = Redactor(loaded.secrets).text(config.model_dump_json(indent=2, exclude={"profiles"}))
    print(resolved)
    print(f"golive: config OK ({', '.join(dict.fromkeys(loaded.sources))})", file=sys.stderr)
    if path is None:
        print("golive: no config file given or found; showing the embedded defaults", file=sys.stderr)
    return EXIT_READY


def command_extra(name: str, arguments: list[str]) -> int:
    """A command an installed suite's package brings: its entry point is called with the remaining arguments."""
    try:
        run = installed_commands()[name].load()
    except Exception as error:
        raise UsageError(f"command {name!r} cannot be loaded: {error}") from None
    code = run(arguments)
    return int(code) if isinstance(code, int) else 0


def dispatch(args: argparse.Namespace) -> int:
    """Run the command the user asked for and return its exit code."""
    if args.command == "run":
        return command_run(args)
    if args.command == "evaluate":
        return command_evaluate(args)
    if args.command == "demo":
        return command_demo(args)
    if args.command in ("history", "compare"):
        from harness.history_commands import dispatch_history

        return dispatch_history(args)
    if args.command == "checklist":
        from harness.checklist_init import command_checklist_init

        return command_checklist_init(args)
    if args.command in installed_commands():
        return command_extra(args.command, args.arguments)
    return command_config_check(args)
