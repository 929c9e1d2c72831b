"""The `golive` command line. Heavy modules are imported inside the commands so `--help` starts instantly."""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import re
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

from harness import __version__
from harness.errors import EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from harness.finishing import StoppedAfterFinishing
from harness.history_cli import add_history_commands
from harness.suite_index import installed_commands, suite_names


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage; golive's contract says 3 (2 means INCONCLUSIVE)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"golive: error: {_with_suggestion(message)}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)$")


def _with_suggestion(message: str) -> str:
    """argparse's "invalid choice" with the closest choice named first, as config errors do for a misspelt key."""
    found = _INVALID_CHOICE.search(message)
    if found is None:
        return message
    choices = re.findall(r"'([^']*)'", found.group(2))
    close = difflib.get_close_matches(found.group(1), choices, n=1)
    return f"{message}; did you mean '{close[0]}'?" if close else message


_BUILTIN_COMMANDS = frozenset({"run", "evaluate", "demo", "history", "config", "compare", "checklist"})


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
    run.add_argument("--label", help="what was tested, e.g. a commit or release (overrides history.label)")

    evaluate = commands.add_parser("evaluate", help="re-judge a saved run's artifacts with a changed config")
    evaluate.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder, e.g. reports/latest")
    _add_config_options(evaluate)

    demo = commands.add_parser("demo", help="start the bundled demo service on loopback and check it")
    demo.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports/)")

    add_history_commands(commands, _add_config_options, _Parser)

    config = commands.add_parser("config", help="configuration commands")
    config_commands = config.add_subparsers(dest="config_command", metavar="SUBCOMMAND", parser_class=_Parser)
    check = config_commands.add_parser("check", help="validate a config file and show what it resolves to")
    _add_config_options(check)
    check.add_argument("--profile", help="also validate with this profile applied")

    checklist = commands.add_parser("checklist", help="the go-live checklist")
    checklist_commands = checklist.add_subparsers(dest="checklist_command", metavar="SUBCOMMAND", parser_class=_Parser)
    init = checklist_commands.add_parser("init", help="write the go-live items as a config section to fill in")
    init.add_argument("--out", type=Path, default=Path("golive.toml"), help="config file to add them to (golive.toml)")
    for name in installed_commands():
        if name not in commands.choices and name not in _BUILTIN_COMMANDS:
            extra = commands.add_parser(
                name, help=f"{name} (a command of an installed suite; see golive {name} -h)", add_help=False
            )
            extra.add_argument("arguments", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    # SIGTERM (a CI job cancelled, a container stopped) ends the run the way Ctrl-C does.
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `golive` console script; returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in installed_commands() and arguments[0] not in _BUILTIN_COMMANDS:
        # An installed suite's command parses its own arguments (its --help included).
        args = argparse.Namespace(command=arguments[0], arguments=arguments[1:])
    else:
        args = build_parser().parse_args(arguments)
    if args.command is None:
        build_parser().print_help()
        return EXIT_USAGE
    if args.command == "config" and args.config_command is None:
        build_parser().parse_args(["config", "--help"])
    if args.command == "checklist" and args.checklist_command is None:
        build_parser().parse_args(["checklist", "--help"])
    signal.signal(signal.SIGTERM, _raise_interrupt)
    from harness.commands import dispatch

    try:
        return dispatch(args)
    except UsageError as error:
        _say(f"golive: error: {error}")
        return EXIT_USAGE
    except StoppedAfterFinishing:
        return EXIT_INTERRUPTED  # everything was written; the notice already said why it stops
    except KeyboardInterrupt:
        _say("golive: interrupted")
        return EXIT_INTERRUPTED
    finally:
        _release_closed_stdout()


def _say(line: str) -> None:
    # Nobody may be listening any more; the exit code still says it.
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr)


def _release_closed_stdout() -> None:
    """If a reader went away (`golive run | head`), point that stream at /dev/null: Python would otherwise
    fail to flush it at exit and turn the verdict's exit code into 120."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            with contextlib.suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, stream.fileno())
                os.close(devnull)
