"""The commands behind the CLI: each is a short pipeline of load → plan → run → report → exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from harness.config_loader import LoadedConfig, find_default_config, load_config
from harness.console import Console
from harness.engine import Emitter, RunPlan, execute_evaluation, execute_run, load_saved_run
from harness.errors import (
    EXIT_INCONCLUSIVE,
    EXIT_INTERRUPTED,
    EXIT_NOT_READY,
    EXIT_READY,
    ConfigError,
    UsageError,
)
from harness.history import HistoryRecorder, HistoryStore
from harness.history_table import render_history
from harness.models import RunResult, Verdict
from harness.redaction import Redactor
from harness.registry import SuiteLoadError, default_suites, get_suite
from harness.reporters import ReportWriter
from harness.target import Target

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


def plan_run(loaded: LoadedConfig, suites: list[str] | None, out_dir: Path) -> RunPlan:
    """Decide what runs; refuse (before anything runs) a plan that is unsafe or has no target."""
    config = loaded.config
    if not config.target.url:
        raise UsageError("no target: pass --target URL or set target.url in the config")
    chosen = tuple(dict.fromkeys(suites or config.suites or default_suites()))
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


def _run_plan(plan: RunPlan) -> int:
    redactor = Redactor(plan.secrets)
    emit = Emitter([Console(), ReportWriter(redactor), HistoryRecorder(HistoryStore(plan.out_dir), redactor)])
    result = execute_run(plan, emit, redactor)
    return exit_code_for(result)


def command_run(args: argparse.Namespace) -> int:
    """`golive run`: run the suites against the target and write the run folder."""
    loaded = _load(args.config, args.profile, args.overrides, args.target)
    return _run_plan(plan_run(loaded, args.suites, args.out))


def command_evaluate(args: argparse.Namespace) -> int:
    """`golive evaluate RUN_DIR`: re-judge saved artifacts with a changed config; no network access."""
    run_dir: Path = args.run_dir.resolve()
    try:
        saved = load_saved_run(run_dir)
    except ValueError as error:
        raise UsageError(str(error)) from None
    base = dict(saved.get("config") or {})
    base.pop("profiles", None)
    try:
        loaded = load_config(args.config, None, args.overrides, None, base=base)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    redactor = Redactor(loaded.secrets)
    history = HistoryRecorder(HistoryStore(run_dir.parent), redactor)
    emit = Emitter([Console(), ReportWriter(redactor), history])
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
    """`golive config check`: validate the config and print what it resolves to (secrets masked)."""
    path = args.config if args.config is not None else find_default_config(Path.cwd())
    loaded = _load(args.config, args.profile, args.overrides)
    resolved = Redactor(loaded.secrets).text(loaded.config.model_dump_json(indent=2, exclude={"profiles"}))
    print(resolved)
    print(f"golive: config OK ({', '.join(dict.fromkeys(loaded.sources))})", file=sys.stderr)
    if path is None:
        print("golive: no config file given or found; showing the embedded defaults", file=sys.stderr)
    return EXIT_READY


def command_history(args: argparse.Namespace) -> int:
    """`golive history`: the recorded runs, newest last, with their verdicts and headline numbers."""
    entries = HistoryStore(args.out).entries()
    if args.target:
        entries = [entry for entry in entries if entry.get("target") == args.target.rstrip("/")]
    if not entries:
        print(f"golive: no runs recorded in {args.out / 'history.jsonl'}", file=sys.stderr)
        return EXIT_READY
    print(render_history(entries[-args.last :]))
    return EXIT_READY


def dispatch(args: argparse.Namespace) -> int:
    """Run the command the user asked for and return its exit code."""
    if args.command == "run":
        return command_run(args)
    if args.command == "evaluate":
        return command_evaluate(args)
    if args.command == "demo":
        return command_demo(args)
    if args.command == "history":
        return command_history(args)
    return command_config_check(args)
