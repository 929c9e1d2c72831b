"""The engine's side of signing in: sign in before the suites, check the session after each one, and keep the
record (`auth.json`) that `golive evaluate` reads to mark again the suites that lost the session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

from harness.auth.session import SessionKeeper, SignInFailed, lost_during, mark_lost
from harness.files import write_atomic
from harness.models import SuiteResult
from harness.redaction import Redactor
from harness.registry import get_suite
from harness.target import Target

# What signing in did, in the run folder: cookie names and what each check of the session saw (no values).
AUTH_RECORD = "auth.json"


class Runner(Protocol):
    """What the hooks need of the engine's suite runner: the target the suites get, and its outputs."""

    target: Target
    redactor: Redactor

    def progress_of(self, name: str, message: str) -> None:
        """Say one progress line under `name`."""


def _reason(error: Exception) -> str:
    """A failed sign-in's own message; any other error (a bug, a browser that died) with its type."""
    if isinstance(error, SignInFailed):
        return str(error)
    lines = str(error).strip().splitlines()  # Playwright appends its call log: the first line says it
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def activity(name: str) -> str:
    """How a message names what suite `name` does ("the security scan")."""
    try:
        return get_suite(name).activity or f"the {name} suite"
    except Exception:  # a suite that cannot load has said so in its own result
        return f"the {name} suite"


class SignedInRun:
    """The engine's side of signing in: before the suites, and a check of the session after each one."""

    def __init__(self, keeper: SessionKeeper | None, runner: Runner) -> None:
        self.keeper = keeper
        self.runner = runner

    def start(self) -> str | None:
        """Sign in (when configured); the one-line reason no suite can run, or None."""
        if self.keeper is None:
            return None
        try:
            self.runner.target = self.keeper.sign_in(self.runner.target)
        except Exception as error:  # whatever went wrong, no suite may run logged out
            return f"could not sign in, so no suite ran: {self.runner.redactor.text(_reason(error))}"
        return None

    def after(self, name: str, result: SuiteResult) -> tuple[SuiteResult, str | None]:
        """Check the session after suite `name`; if it was lost, mark the result and sign in again once.

        Returns the result and, when signing in again failed, the reason the next suites cannot run.
        """
        keeper = self.keeper
        if keeper is None:
            return result, None
        outcome = keeper.check(self.runner.target, after=name)
        if outcome.passed:
            self.runner.progress_of("auth", f"session still signed in after {name}")
            return result, None
        doing = activity(name)
        self.runner.progress_of("auth", self.runner.redactor.text(outcome.describe(f"after {name}, the check")))
        marked = mark_lost(result, doing, keeper.settings.lost, self.runner.redactor.text(outcome.seen))
        try:
            self.runner.target = keeper.sign_in(self.runner.target)
        except Exception as error:  # the next suites would run logged out
            reason = f"the session was lost during {doing} and signing in again failed: {_reason(error)}"
            return marked, self.runner.redactor.text(reason)
        return marked, None

    def summary(self) -> str | None:
        """A note for the verdict: how golive signed in and whether the session held; None without a sign-in."""
        if self.keeper is None or not self.keeper.record["sign_ins"]:
            return None
        record = self.keeper.record
        checks = [check for check in record["checks"] if check["after"] != "sign-in"]
        how = record["sign_ins"][0]["how"]
        lost = [check["after"] for check in checks if not check["passed"]]
        if lost:
            again = "; golive signed in again" if len(record["sign_ins"]) > 1 else ""
            return f"signed in ({how}); the session was lost after {', '.join(lost)}{again}"
        after = ", ".join(check["after"] for check in checks) or "no suite"
        return f"signed in ({how}); the session check passed after each suite ({after})"

    def finish(self, run_dir: Path) -> None:
        """Save what the sign-in did (cookie names, what each check saw), then delete the storage state."""
        if self.keeper is None:
            return
        try:
            text = json.dumps(self.keeper.record, indent=2)
            write_atomic(run_dir / AUTH_RECORD, self.runner.redactor.text(text))
        finally:
            self.keeper.close()


def lost_sessions(run_dir: Path) -> dict[str, str]:
    """The suites of a saved run during which the session was lost (from its auth.json), with what was seen."""
    try:
        record = json.loads((run_dir / AUTH_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return lost_during(record) if isinstance(record, dict) else {}
