"""`golive worker`: join a golive load test's Locust master from another machine.

The command the master prints names only what a worker needs (the master's address, the load parameters as
environment variables) and nothing of the master's own files: the worker runs the locustfile of its own golive
installation, or a copy of the user's locustfile given with --locustfile.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import NoReturn

from suites.performance.runner import BUILTIN_LOCUSTFILE


class _Parser(argparse.ArgumentParser):
    """golive's contract: bad usage exits 3 (2 means INCONCLUSIVE)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"golive worker: error: {message}", file=sys.stderr)
        raise SystemExit(3)


def parser() -> argparse.ArgumentParser:
    """The worker's arguments."""
    parsed = _Parser(prog="golive worker", description=__doc__.splitlines()[0])
    parsed.add_argument("--master-host", required=True, help="the machine running `golive run` (its master)")
    parsed.add_argument("--master-port", type=int, default=5557, help="the master's port (default: 5557)")
    parsed.add_argument("--locustfile", help="your own locustfile (a copy of the one the master runs)")
    return parsed


def command(args: argparse.Namespace) -> list[str]:
    """The Locust worker command line for these arguments."""
    locustfile = args.locustfile or str(BUILTIN_LOCUSTFILE)
    return [
        sys.executable, "-m", "locust", "--worker", "--master-host", args.master_host,
        "--master-port", str(args.master_port), "-f", locustfile,
    ]  # fmt: skip


def main(argv: Sequence[str]) -> int:
    """Run a Locust worker until the master ends the test; Ctrl-C stops it. Returns Locust's exit code."""
    args = parser().parse_args(list(argv))
    if args.locustfile and not os.path.isfile(args.locustfile):
        print(f"golive worker: error: --locustfile {args.locustfile!r} does not exist", file=sys.stderr)
        return 3
    print(f"golive worker: joining the master at {args.master_host}:{args.master_port}", file=sys.stderr)
    # Locust monkey-patches the standard library on import, so it runs in a process of its own.
    process = subprocess.Popen(command(args), start_new_session=True)
    try:
        return process.wait()
    except KeyboardInterrupt:
        os.killpg(process.pid, signal.SIGINT)
        process.wait()
        return 130
