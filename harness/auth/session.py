"""Keep the run signed in: sign in before the suites, check the session after each, sign in again once if lost.

The engine drives a `SessionKeeper`; every cookie value is handed to the run's Redactor the moment it is known,
and the storage-state file lives in a private folder (mode 0700) outside the run folder, removed at the end.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.auth.check import CheckOutcome, run_check
from harness.auth.settings import AuthSettings
from harness.auth.signin import Session, SignInFailed, session_from_state_file, sign_in_with_browser
from harness.models import Check, Status, SuiteResult
from harness.redaction import Redactor
from harness.settings import GoliveConfig
from harness.target import Target

STATE_FILE = "storage-state.json"
SESSION_CHECK_ID = "auth.session"


def lost_message(activity: str) -> str:
    """What a suite's result says when the session did not survive it."""
    return f"the session was lost during {activity}; results may cover logged-out pages"


def mark_lost(result: SuiteResult, activity: str, policy: str, seen: str = "") -> SuiteResult:
    """`result` with a check saying the session was lost during the suite: an error, or a warning if relaxed.

    `seen` is what the check found after the suite (URL, status, title), kept as a note for the reader.
    """
    status = Status.WARN if policy == "warn" else Status.ERROR
    lost = Check(id=SESSION_CHECK_ID, status=status, message=lost_message(activity))
    notes = (*result.notes, f"after {activity}, the session check found {seen}") if seen else result.notes
    return replace(result, checks=(*result.checks, lost), notes=notes)


def lost_during(record: dict[str, Any]) -> dict[str, str]:
    """From a run's auth.json record: the suites after which the session check failed, with what it saw."""
    return {
        str(check.get("after")): str(check.get("seen", ""))
        for check in record.get("checks", [])
        if isinstance(check, dict) and check.get("after") != "sign-in" and not check.get("passed")
    }


class SessionKeeper:
    """Signs in, checks the session, and cleans up; one per run, only when `[auth]` is configured."""

    def __init__(self, config: GoliveConfig, redactor: Redactor, progress: Callable[[str], None]) -> None:
        self.settings: AuthSettings = config.auth
        self._executable = config.browser.executable
        self._redactor = redactor
        self._progress = progress
        self._folder: Path | None = None
        self.record: dict[str, Any] = {"sign_ins": [], "checks": []}

    @staticmethod
    def for_config(config: GoliveConfig, redactor: Redactor, progress: Callable[[str], None]) -> SessionKeeper | None:
        """A keeper when `[auth]` signs in, else None."""
        return SessionKeeper(config, redactor, progress) if config.auth.configured else None

    def _state_file(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="golive-session-"))
            self._folder.chmod(0o700)
        return self._folder / STATE_FILE

    def sign_in(self, target: Target) -> Target:
        """Sign in and prove it with the check; the target with the session. Raises SignInFailed."""
        began = time.monotonic()
        how = f"{len(self.settings.steps)} steps in Chromium" if self.settings.steps else "the storage_state file"
        self._progress(f"signing in ({how})")
        if self.settings.steps:
            session: Session = sign_in_with_browser(self.settings, target, self._executable, self._state_file())
        else:
            session = session_from_state_file(self.settings.storage_state, target)
        # Before anything can print or save them.
        self._redactor.add(session.secret_values)
        signed = target.with_session(session.cookies, session.storage_state)
        outcome = self.check(signed, after="sign-in")
        if not outcome.passed:
            raise SignInFailed(outcome.describe(f"signed in ({how}), but the check {self._check_url()}"))
        seconds = round(time.monotonic() - began, 1)
        self.record["sign_ins"].append({"how": how, "cookies": sorted(session.cookies), "seconds": seconds})
        self._progress(f"signed in ({how}) in {seconds:g}s; {outcome.seen}")
        return signed

    def _check_url(self) -> str:
        return f"GET {self.settings.check.url}" if self.settings.check else ""

    def check(self, target: Target, after: str) -> CheckOutcome:
        """Run the check with the session now on `target`; record what it saw."""
        assert self.settings.check is not None  # validated: a sign-in always has a check
        outcome = run_check(self.settings.check, target, self.settings.page_timeout)
        self.record["checks"].append({"after": after, "passed": outcome.passed, "seen": outcome.seen})
        return outcome

    def close(self) -> None:
        """Delete the private folder and the storage state in it."""
        folder, self._folder = self._folder, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


__all__ = ["SESSION_CHECK_ID", "SessionKeeper", "SignInFailed", "lost_during", "lost_message", "mark_lost"]
