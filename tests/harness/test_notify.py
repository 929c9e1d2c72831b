"""Webhook notices: sent on NOT_READY or a changed verdict, masked, and never able to change the run."""

from __future__ import annotations

import dataclasses
import io
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from harness.events import RunFinished
from harness.models import Verdict
from harness.notify import Notifier, message_for, should_notify
from harness.redaction import Redactor
from tests.reporters.sample import sample_run
from tests.support import Route, free_port, serve


def test_a_notice_goes_out_on_not_ready_or_a_changed_verdict_only() -> None:
    run = sample_run()
    assert should_notify(run)
    ready = dataclasses.replace(run, verdict=Verdict.READY, comparison=None)
    assert not should_notify(ready)
    back_to_ready = dataclasses.replace(ready, comparison={"verdict_changed": True, "previous_verdict": "NOT_READY"})
    assert should_notify(back_to_ready)
    text = message_for(back_to_ready, "reports/x/report.html")["text"]
    assert text.startswith("golive: READY for http://127.0.0.1:8000 (was NOT_READY)")
    assert "performance: p95 latency 1240 ms > 1000 ms (fail)" in text and text.endswith("reports/x/report.html")


@pytest.mark.integration
def test_the_notice_is_posted_with_secrets_masked(tmp_path: Path) -> None:
    received: list[bytes] = []

    def hook(handler: BaseHTTPRequestHandler) -> Route:
        received.append(getattr(handler, "request_body", b""))
        return Route("ok")

    run = sample_run()
    with serve({"/hook": hook}) as server:
        Notifier(f"{server.url}/hook", Redactor({"1240 ms"})).handle(RunFinished(run, tmp_path))
    assert len(received) == 1
    text = json.loads(received[0])["text"]
    assert "NOT_READY" in text and "1240 ms" not in text and "***" in text


@pytest.mark.integration
def test_a_webhook_that_is_down_is_said_and_changes_nothing(tmp_path: Path) -> None:
    said = io.StringIO()
    Notifier(f"http://127.0.0.1:{free_port()}/hook", Redactor(), said).handle(RunFinished(sample_run(), tmp_path))
    assert said.getvalue().startswith("golive: notice not sent: the webhook could not be reached")
    failing = io.StringIO()
    with serve({"/hook": Route("no", status=500)}) as server:
        Notifier(f"{server.url}/hook", Redactor(), failing).handle(RunFinished(sample_run(), tmp_path))
    assert "the webhook answered HTTP 500" in failing.getvalue()
