"""Gathering the checklist: the facts behind each item (files read, pages fetched), keyed by item id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.suite import Target
from suites.checklist.evidence import coverage_facts, file_facts, junit_facts
from suites.checklist.pages import fetch_page
from suites.checklist.settings import (
    AttestationItem,
    ChecklistItem,
    ChecklistSettings,
    CoverageItem,
    FileItem,
    JunitItem,
    UrlItem,
)


def item_facts(item: ChecklistItem, target: Target, timeout: float) -> dict[str, Any]:
    """What can be found out about one item; a sign-off needs nothing found, only the config."""
    facts: dict[str, Any]
    if isinstance(item, CoverageItem):
        facts = coverage_facts(item.path)
    elif isinstance(item, JunitItem):
        facts = junit_facts(item.path)
    elif isinstance(item, FileItem):
        facts = file_facts(item.path)
    elif isinstance(item, UrlItem):
        url = target.resolve(item.url)
        facts = fetch_page(url, item.expect_text, target.url, target.request_headers(), timeout, target.ca_file)
    else:
        assert isinstance(item, AttestationItem)
        facts = {}
    return {"kind": item.kind, **facts}


def gather_checklist(
    settings: ChecklistSettings, target: Target, progress: Callable[[str], None]
) -> dict[str, dict[str, Any]]:
    """Facts for every configured item, by id."""
    gathered = {}
    for item in settings.items:
        progress(f"{item.kind} {item.id}")
        try:
            gathered[item.id] = item_facts(item, target, settings.timeout)
        except OSError as error:
            # One unreadable item (permissions, a vanished mount) must not cost the others their facts.
            gathered[item.id] = {"kind": item.kind, "unreadable": f"{type(error).__name__}: {error}"}
    return gathered
