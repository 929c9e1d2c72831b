"""The `golive` command line. Heavy modules are imported inside the commands so `--help` starts instantly."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

from harness import __version__
from harness.errors import EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from harness.suite_index import suite_names


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage; golive's contract says 3 (2 means INCONCLUSIVE)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"golive: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _add_config_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="TOML config file (default: ./golive.toml if present)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help='override one config key; VALUE is read as TOML (10, "10s", ["/a"], true), else as text',
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every golive command."""
    parser = _Parser(
        prog="golive",
        description="Pre-launch readiness checks: load, accessibility and security, one verdict with its reasons.",
        epilog="Exit codes: 0 READY, 1 NOT_READY, 2 INCONCLUSIVE, 3 usage or config error, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"golive {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = commands.add_parser("run", help="run the suites against a target and write a report")
    run.add_argument("--target", help="URL of the service under test (overrides target.url)")
    _add_config_options(run)
    run.add_argument("--profile", help="apply [profiles.NAME] from the config (e.g. staging, nightly, beta)")
    run.add_argument(
        "--suite",
        dest="suites",
        action="append",
        choices=suite_names(),
        help="run only this suite (repeatable)",
    )
    run.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports/)")

    evaluate = commands.add_parser("evaluate", help="re-judge a saved run's artifacts with a changed config")
    evaluate.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder, e.g. reports/latest")
    _add_config_options(evaluate)

    demo = commands.add_parser("demo", help="start the bundled demo service on loopback and check it")
    demo.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports/)")

    history = commands.add_parser("history", help="list earlier runs with their verdicts, to see trends")
    history.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports/)")
    history.add_argument("--target", help="only runs against this URL")
    history.add_argument("--last", type=int, default=20, help="how many runs to show (default: 20)")

    config = commands.add_parser("config", help="configuration commands")
    config_commands = config.add_subparsers(dest="config_command", metavar="SUBCOMMAND", parser_class=_Parser)
    check = config_commands.add_parser("check", help="validate a config file and show what it resolves to")
    _add_config_options(check)
    check.add_argument("--profile", help="also validate with this profile applied")

    checklist = commands.add_parser("checklist", help="the go-live checklist")
    checklist_commands = checklist.add_subparsers(dest="checklist_command", metavar="SUBCOMMAND", parser_class=_Parser)
    init = checklist_commands.add_parser("init", help="write the go-live items as a config section to fill in")
    init.add_argument("--out", type=Path, default=Path("golive.toml"), help="config file to add them to (golive.toml)")
    return parser


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    # SIGTERM (a CI job cancelled, a container stopped) ends the run the way Ctrl-C does.
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `golive` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "config" and args.config_command is None:
        parser.parse_args(["config", "--help"])
    if args.command == "checklist" and args.checklist_command is None:
        parser.parse_args(["checklist", "--help"])
    signal.signal(signal.SIGTERM, _raise_interrupt)
    from harness.commands import dispatch

    try:
        return dispatch(args)
    except UsageError as error:
        print(f"golive: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("golive: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
