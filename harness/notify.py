"""Tell a team's chat when a run's verdict changed or is NOT_READY: a Slack-compatible webhook.

A notice is a courtesy: a webhook that is down, slow or refuses never changes the verdict, the exit code or
what was written; the failure is said on the console. Secrets are masked in what is sent.
"""

from __future__ import annotations

import contextlib
import json
import sys
import urllib.error
import urllib.request
from typing import Any, TextIO

from harness.events import Event, RunFinished
from harness.models import RunResult, Verdict
from harness.redaction import Redactor

TIMEOUT_SECONDS = 10.0
_MAX_REASONS = 10


def should_notify(result: RunResult) -> bool:
    """On NOT_READY, and whenever the verdict differs from the previous run's."""
    changed = bool(result.comparison and result.comparison.get("verdict_changed"))
    return result.verdict is Verdict.NOT_READY or changed


def message_for(result: RunResult, report: str) -> dict[str, Any]:
    """The webhook's JSON: Slack's `text` (other chat tools read it too) with the verdict, reasons and link."""
    previous = (result.comparison or {}).get("previous_verdict")
    headline = f"golive: {result.verdict.value} for {result.target}"
    if previous and previous != result.verdict.value:
        headline += f" (was {previous})"
    reasons = [f"• {reason.text()}" for reason in result.reasons[:_MAX_REASONS]]
    if len(result.reasons) > _MAX_REASONS:
        reasons.append(f"• … and {len(result.reasons) - _MAX_REASONS} more in the report")
    return {"text": "\n".join([headline, *reasons, f"Report: {report}"])}


def send(url: str, payload: dict[str, Any], timeout: float = TIMEOUT_SECONDS) -> str | None:
    """POST the payload; None when the webhook took it, else why not (one line)."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        return f"the webhook answered HTTP {error.code}"
    except (OSError, ValueError) as error:
        return f"the webhook could not be reached ({error})"
    return None


class Notifier:
    """Event handler: on RunFinished, send the notice if the run calls for one."""

    def __init__(self, webhook: str, redactor: Redactor, console: TextIO | None = None) -> None:
        self._webhook = webhook
        self._redactor = redactor
        self._console = console or sys.stderr

    def handle(self, event: Event) -> None:
        """Notify on RunFinished when there is a webhook and the verdict calls for it; never raise."""
        if not self._webhook or not isinstance(event, RunFinished) or not should_notify(event.result):
            return
        payload = message_for(event.result, str(event.run_dir / "report.html"))
        masked = json.loads(self._redactor.text(json.dumps(payload)))
        problem = send(self._webhook, masked)
        if problem is not None:
            with contextlib.suppress(OSError, ValueError):
                print(f"golive: notice not sent: {self._redactor.text(problem)}", file=self._console)
