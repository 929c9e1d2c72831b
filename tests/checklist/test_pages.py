"""`url` items against a real local server: answering, missing text, missing page, nothing listening."""

from __future__ import annotations

import datetime as dt
from http.server import BaseHTTPRequestHandler

import pytest

from harness.models import Status
from harness.suite import Target
from suites.checklist.evaluate import judge_item
from suites.checklist.gather import item_facts
from suites.checklist.settings import ChecklistSettings
from tests.support import Route, free_port, serve

pytestmark = pytest.mark.integration

PRIVACY = "<html lang='en'><title>Privacy</title><p>How we use your <strong>personal&nbsp;data</strong>.</p></html>"


def judged(target: Target, url: str, expect_text: list[str]) -> tuple[Status, str]:
    item = {"id": "page", "title": "Page", "kind": "url", "topic": "information-security", "url": url}
    settings = ChecklistSettings.model_validate({"items": [{**item, "expect_text": expect_text}]})
    check = judge_item(settings.items[0], item_facts(settings.items[0], target, 3.0), dt.date.today())
    return check.status, check.message


def test_url_items_pass_fail_and_are_missing_against_a_real_server() -> None:
    seen: list[str | None] = []

    def privacy(handler: BaseHTTPRequestHandler) -> Route:
        seen.append(handler.headers.get("Authorization"))
        return Route(PRIVACY)

    with serve({"/privacy": privacy, "/old-privacy": Route("", 301, headers={"Location": "/privacy"})}) as site:
        target = Target(site.url, headers={"Authorization": "Bearer t"})
        # Text split by tags and entities still counts, case-insensitively.
        assert judged(target, "/old-privacy", ["Personal data"])[0] is Status.PASS
        status, message = judged(target, "/privacy", ["retention period"])
        assert status is Status.FAIL and "to contain 'retention period', found HTTP 200 without it" in message
        status, message = judged(target, "/nowhere", [])
        assert status is Status.FAIL and "found HTTP 404" in message
    # The target's own pages get its headers.
    assert seen == ["Bearer t", "Bearer t"]
    status, message = judged(Target(f"http://127.0.0.1:{free_port()}"), "/privacy", [])
    assert status is Status.FAIL and "refused" in message.lower()
