"""The command-line parsers of `golive history` and `golive compare` (argparse only, so `--help` stays instant)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

HISTORY_COMMANDS = ("history", "compare")


def _store_options(parser: argparse.ArgumentParser, add_config_options: Callable[[Any], None], top: bool) -> None:
    """--config/--set/--out, as for `golive run`, so `history.url` applies the same way.

    On sub-commands they default to "not given", so `golive history --out X show RUN` keeps X.
    """
    if top:
        add_config_options(parser)
        parser.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports/)")
        return
    parser.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="TOML config file")
    parser.add_argument("--set", dest="overrides", action="append", default=argparse.SUPPRESS, metavar="KEY=VALUE")
    parser.add_argument("--out", type=Path, default=argparse.SUPPRESS, help="output folder (default: reports/)")


def add_history_commands(
    commands: Any, add_config_options: Callable[[Any], None], parser_class: type[argparse.ArgumentParser]
) -> None:
    """Add `golive history [show|invalidate]` and `golive compare` to the CLI's sub-commands."""
    history = commands.add_parser("history", help="list earlier runs with their verdicts, to see trends")
    _store_options(history, add_config_options, top=True)
    history.add_argument("--target", help="only runs against this URL")
    history.add_argument("--profile", help="only runs made with this profile")
    history.add_argument(
        "--limit",
        "--last",
        dest="limit",
        type=int,
        default=None,
        help="how many runs to show (default: 20; with --html, 60 per target)",
    )
    history.add_argument("--json", action="store_true", help="print the runs as JSON")
    history.add_argument("--html", action="store_true", help="write the trend page <out>/index.html and print its path")
    actions = history.add_subparsers(dest="history_command", metavar="ACTION", parser_class=parser_class)
    show = actions.add_parser("show", help="one run in full: suites, checks, findings")
    show.add_argument("run", metavar="RUN", help="a run id (or a unique start of one)")
    show.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the run as JSON")
    _store_options(show, add_config_options, top=False)
    invalidate = actions.add_parser("invalidate", help="mark a run invalid: never a baseline, shown as such")
    invalidate.add_argument("run", metavar="RUN", help="a run id (or a unique start of one)")
    invalidate.add_argument("--reason", required=True, help="why the run does not count (shown with it)")
    _store_options(invalidate, add_config_options, top=False)

    compare = commands.add_parser("compare", help="compare two runs: verdict, metrics, findings")
    compare.add_argument("run_a", metavar="RUN_A", help="the earlier run: a run id or a run folder")
    compare.add_argument("run_b", metavar="RUN_B", help="the later run: a run id or a run folder")
    compare.add_argument("--json", action="store_true", help="print the comparison as JSON")
    _store_options(compare, add_config_options, top=True)
