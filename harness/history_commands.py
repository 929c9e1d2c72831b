"""`golive history`, `golive history show|invalidate` and `golive compare`: reading and curating the run history."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from harness.comparison import NOT_RUN, compare, describe, suite_state
from harness.config_loader import ConfigError, LoadedConfig, find_default_config, load_config
from harness.errors import EXIT_READY, UsageError
from harness.history import declared_work_metrics, open_history
from harness.history_settings import HISTORY_DB
from harness.history_store import ANY_PROFILE, LEGACY_FILE, HistoryError, HistoryStore, shown_url
from harness.history_table import history_json, render_history
from harness.redaction import Redactor
from harness.reporters.trend_page import FILE_NAME as TREND_FILE
from harness.run_record import RunRecord, record_from_result
from harness.trend_writer import write_trend_page
from harness.trends import DEFAULT_RUNS

# Runs `golive history` lists when no --limit is given.
TABLE_RUNS = 20


def _loaded(args: argparse.Namespace) -> LoadedConfig:
    config: Path | None = getattr(args, "config", None)
    path = config if config is not None else find_default_config(Path.cwd())
    try:
        return load_config(path, None, list(getattr(args, "overrides", []) or []))
    except ConfigError as error:
        raise UsageError(str(error)) from None


class _Opened:
    """The store the commands read (None when no run was ever recorded there) and how to name it."""

    def __init__(self, store: HistoryStore | None, redactor: Redactor, where: str) -> None:
        self.store = store
        self.redactor = redactor
        self.where = where

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def _open(args: argparse.Namespace) -> _Opened:
    """The configured history; a default SQLite file that does not exist yet is not created just to be read."""
    loaded = _loaded(args)
    redactor = Redactor(loaded.secrets)
    out = Path(getattr(args, "out", Path("reports")))
    settings = loaded.config.history
    if not settings.url and not (out / HISTORY_DB).exists() and not (out / LEGACY_FILE).exists():
        return _Opened(None, redactor, str(out / HISTORY_DB))
    try:
        store = open_history(settings, out)
    except HistoryError as error:
        raise UsageError(redactor.text(str(error))) from None
    return _Opened(store, redactor, redactor.text(shown_url(store.url)))


def _print(text: str, redactor: Redactor) -> None:
    print(redactor.text(text))


def command_history(args: argparse.Namespace) -> int:
    """`golive history`: the recorded runs, newest last, with their verdicts and headline values."""
    if args.history_command == "show":
        return command_history_show(args)
    if args.history_command == "invalidate":
        return command_history_invalidate(args)
    if args.limit is not None and args.limit < 1:
        raise UsageError(f"--limit must be at least 1, got {args.limit}")
    if args.html:
        return command_history_html(args)
    limit = args.limit or TABLE_RUNS
    opened = _open(args)
    redactor = opened.redactor
    runs: list[RunRecord] = []
    try:
        profile = args.profile if args.profile is not None else ANY_PROFILE
        if opened.store is not None:
            runs = opened.store.runs(target=args.target, profile=profile, limit=limit)
    except HistoryError as error:
        raise UsageError(redactor.text(str(error))) from None
    finally:
        opened.close()
    if args.json:
        _print(json.dumps(history_json(runs), indent=2), redactor)
    elif not runs:
        print(f"golive: no runs recorded in {opened.where}", file=sys.stderr)
    else:
        _print(render_history(runs), redactor)
    return EXIT_READY


def command_history_html(args: argparse.Namespace) -> int:
    """`golive history --html`: write the trend page `<out>/index.html` and print its path."""
    opened = _open(args)
    out = Path(getattr(args, "out", Path("reports")))
    profile = args.profile if args.profile is not None else ANY_PROFILE
    try:
        if opened.store is None:
            print(f"golive: no runs recorded in {opened.where}", file=sys.stderr)
        path = write_trend_page(opened.store, out, opened.redactor, args.target, profile, args.limit or DEFAULT_RUNS)
    except HistoryError as error:
        raise UsageError(opened.redactor.text(str(error))) from None
    except OSError as error:
        raise UsageError(f"{out / TREND_FILE} cannot be written: {error.strerror or error}") from None
    finally:
        opened.close()
    print(path)
    return EXIT_READY


def _find(store: HistoryStore | None, run: str) -> RunRecord:
    found = store.get(run) if store is not None else None
    if found is None:
        raise UsageError(f"no run {run!r} in the history (see `golive history`)")
    return found


def render_run(run: RunRecord) -> str:
    """`golive history show`: the run, its suites with their checks, and its findings."""
    lines = [
        f"run {run.run_id}" + (f" ({run.label})" if run.label else ""),
        f"target {run.target}" + (f", profile {run.profile}" if run.profile else ""),
        f"verdict {run.verdict}"
        + (" (interrupted)" if run.interrupted else "")
        + (f" (re-evaluated {run.evaluated_at}, with the config kept in its result.json)" if run.evaluated_at else ""),
        f"started {run.started_at or '?'}, finished {run.finished_at or '?'}, golive {run.golive_version or '?'}",
    ]
    if run.invalid_reason is not None:
        lines.append(f"INVALID: {run.invalid_reason} (never used as a baseline)")
    for name, suite in run.suites.items():
        lines.append(f"\n{name}: {suite_state(suite)}" + (f" ({suite.error})" if suite.error else ""))
        if suite.status == "skipped":
            continue
        for check in suite.checks:
            lines.append(f"  {check.status:<7} {check.id}: {check.message}")
        for finding in sorted(suite.findings.values(), key=lambda item: item.label):
            waived = " (waived)" if finding.waived else ""
            lines.append(f"  finding {finding.severity or '?'}: {finding.label}{waived} [{finding.fingerprint}]")
    return "\n".join(lines)


def command_history_show(args: argparse.Namespace) -> int:
    """`golive history show RUN`."""
    opened = _open(args)
    redactor = opened.redactor
    try:
        run = _find(opened.store, args.run)
    except HistoryError as error:
        raise UsageError(redactor.text(str(error))) from None
    finally:
        opened.close()
    if getattr(args, "json", False):
        _print(json.dumps(history_json([run])[0], indent=2), redactor)
    else:
        _print(render_run(run), redactor)
    return EXIT_READY


def command_history_invalidate(args: argparse.Namespace) -> int:
    """`golive history invalidate RUN --reason TEXT`: the run stays listed but is never a baseline."""
    reason = args.reason.strip()
    if not reason:
        raise UsageError("--reason must say why the run does not count")
    opened = _open(args)
    redactor = opened.redactor
    try:
        found = _find(opened.store, args.run)
        assert opened.store is not None  # _find found the run there
        run = opened.store.invalidate(found.run_id, redactor.text(reason))
    except HistoryError as error:
        raise UsageError(redactor.text(str(error))) from None
    finally:
        opened.close()
    print(redactor.text(f"golive: run {run.run_id} marked invalid: {run.invalid_reason}"), file=sys.stderr)
    return EXIT_READY


def _resolve(store: HistoryStore | None, given: str, redactor: Redactor) -> RunRecord:
    """A run id from the history, or a run folder (its result.json) with the history's label if it has one."""
    folder = Path(given)
    if (folder / "result.json").is_file():
        try:
            data = json.loads(redactor.text((folder / "result.json").read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            raise UsageError(f"{folder / 'result.json'} cannot be read: {error}") from None
        if not isinstance(data, dict) or "run_id" not in data:
            raise UsageError(f"{folder / 'result.json'} is not a golive result")
        recorded = store.get(str(data["run_id"])) if store is not None else None
        return record_from_result(data, label=recorded.label if recorded else None)
    if folder.is_dir():
        raise UsageError(f"{folder} is not a golive run folder (no result.json)")
    return _find(store, given)


def _percent(before: float, after: float) -> str:
    return f" ({(after - before) / abs(before):+.0%})" if before else ""


def render_comparison(before: RunRecord, after: RunRecord, comparison: dict[str, Any]) -> str:
    """`golive compare` for a person: verdicts, suite states, metric deltas and the findings by group."""

    def named(run: RunRecord) -> str:
        return run.run_id + (f" ({run.label})" if run.label else "") + (" [INVALID]" if run.invalid_reason else "")

    changed = " (changed)" if comparison["verdict_changed"] else " (unchanged)"
    lines = [f"{named(before)} → {named(after)}", f"verdict: {before.verdict} → {after.verdict}{changed}"]
    for name, states in comparison["suites"].items():
        if states != {"before": NOT_RUN, "after": NOT_RUN}:
            lines.append(f"  {name}: {states['before']} → {states['after']}")
    if comparison["metric_changes"]:
        lines.append("metrics:")
    for change in comparison["metric_changes"]:
        old, new = change["before"], change["after"]
        lines.append(f"  {change['suite']} {change['metric']}: {old:g} → {new:g}{_percent(old, new)}")
    lines.append(describe(comparison).split(": ", 1)[1])
    for group in ("new", "resolved", "not_compared"):
        total = comparison[f"{group}_findings"]
        for label in comparison[group]:
            lines.append(f"  {group.replace('_', ' ')}: {label}")
        if total > len(comparison[group]):
            lines.append(f"  {group.replace('_', ' ')}: +{total - len(comparison[group])} more")
    return "\n".join(lines)


def command_compare(args: argparse.Namespace) -> int:
    """`golive compare RUN_A RUN_B`: run ids or run folders."""
    opened = _open(args)
    redactor = opened.redactor
    try:
        before = _resolve(opened.store, args.run_a, redactor)
        after = _resolve(opened.store, args.run_b, redactor)
    except HistoryError as error:
        raise UsageError(redactor.text(str(error))) from None
    finally:
        opened.close()
    names = [*before.suites, *after.suites]
    comparison = compare(after, before, significant=0.0, work_metrics=declared_work_metrics(names))
    assert comparison is not None
    if args.json:
        _print(json.dumps(comparison, indent=2), redactor)
    else:
        _print(render_comparison(before, after, comparison), redactor)
    return EXIT_READY


def dispatch_history(args: argparse.Namespace) -> int:
    """Run `golive history ...` or `golive compare`."""
    return command_compare(args) if args.command == "compare" else command_history(args)
