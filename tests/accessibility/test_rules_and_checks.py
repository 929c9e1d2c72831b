"""Every rule the suite is relied on to catch, and each of golive's own checks, on real pages in real Chromium.

One audit of all the pages (one browser, several tabs at once) feeds every test of this module: each page is
built to fail exactly one rule, and the pages that must pass yield nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.config_loader import load_config
from harness.models import Status
from harness.settings import GoliveConfig
from tests.accessibility import pages
from tests.accessibility.running import Audit, MakeConfig, audit, chromium_missing
from tests.support import Route, serve

pytestmark = pytest.mark.integration

if (reason := chromium_missing()) is not None:
    pytest.skip(f"needs Chromium: {reason}", allow_module_level=True)

# golive's own checks: the page that fails each, with the rule it must raise and nothing else.
OWN_FAILING = {
    "/own/too-wide": (pages.TOO_WIDE, "golive-reflow"),
    "/own/tabindex-minus-one": (pages.TABINDEX_MINUS_ONE, "golive-keyboard-unreachable"),
    "/own/no-focus-style": (pages.NO_FOCUS_STYLE, "golive-focus-visible"),
    "/own/trap": (pages.KEYBOARD_TRAP, "golive-keyboard-trap"),
}
# ... and the near misses that must pass: a scrolling table, roving tabindex, a custom focus style, a loop
# that Escape leaves, a clean page.
OWN_PASSING = {
    "/own/wide-table-scrolls": pages.WIDE_TABLE_SCROLLS,
    "/own/roving-toolbar": pages.ROVING_TOOLBAR,
    "/own/own-focus-style": pages.OWN_FOCUS_STYLE,
    "/own/escapable-loop": pages.ESCAPABLE_LOOP,
    "/clean": pages.CLEAN,
}
ROUTES = {
    **{f"/rule/{rule}": Route(body) for rule, body in pages.ONE_RULE_EACH.items()},
    **{path: Route(body) for path, (body, _) in OWN_FAILING.items()},
    **{path: Route(body) for path, body in OWN_PASSING.items()},
}


@pytest.fixture(scope="module")
def audited(make_module_config: MakeConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Audit, str]]:
    """All the pages audited once; yields the audit and the site's base URL."""
    with serve(ROUTES) as site:
        folder = tmp_path_factory.mktemp("rules")
        result = audit(make_module_config, site.url, folder, f"accessibility.pages={json.dumps(list(ROUTES))}")
        yield result, site.url


@pytest.fixture(scope="module")
def make_module_config() -> MakeConfig:
    """The shared config builder, for module-scoped fixtures."""

    def build(*overrides: str, target: str = "http://127.0.0.1:9") -> GoliveConfig:
        return load_config(None, None, list(overrides), target, environ={}).config

    return build


@pytest.mark.parametrize("rule", sorted(pages.ONE_RULE_EACH))
def test_each_axe_rule_is_caught_on_its_own_page(audited: tuple[Audit, str], rule: str) -> None:
    result, base = audited
    assert result.rules_by_path(base).get(f"/rule/{rule}") == {rule}


@pytest.mark.parametrize("path", sorted(OWN_FAILING))
def test_each_own_check_catches_its_failure(audited: tuple[Audit, str], path: str) -> None:
    result, base = audited
    expected = OWN_FAILING[path][1]
    assert result.rules_by_path(base).get(path) == {expected}
    finding = next(finding for finding in result.result.findings if finding.url == base + path)
    assert finding.extra["wcag"] == [{"golive-reflow": "1.4.10", "golive-keyboard-unreachable": "2.1.1", "golive-focus-visible": "2.4.7", "golive-keyboard-trap": "2.1.2"}[expected]]
    assert finding.help_url is not None and finding.help_url.startswith("https://www.w3.org/WAI/WCAG22/Understanding/")


@pytest.mark.parametrize("path", sorted(OWN_PASSING))
def test_near_misses_and_a_clean_page_yield_nothing(audited: tuple[Audit, str], path: str) -> None:
    result, base = audited
    assert result.rules_by_path(base).get(path) is None
    record = result.page(path)
    assert record["status"] == "audited" and record["violations"] == 0


def test_own_findings_carry_their_impact_and_evidence(audited: tuple[Audit, str]) -> None:
    result, _ = audited
    trap = next(finding for finding in result.result.findings if finding.rule == "golive-keyboard-trap")
    assert trap.extra["impact"] == "critical"
    assert trap.selector == "#a"
    assert trap.evidence is not None and "neither Tab, Shift+Tab nor Escape moves it out" in trap.evidence
    wide = next(finding for finding in result.result.findings if finding.rule == "golive-reflow")
    assert wide.extra["impact"] == "serious"
    assert wide.evidence is not None and "At 320 CSS px wide the page is" in wide.evidence


def test_the_own_checks_report_where_they_ran(audited: tuple[Audit, str]) -> None:
    result, _ = audited
    count = len(ROUTES)
    for check_id in ("check_reflow", "check_keyboard"):
        check = result.check(check_id)
        assert check.status is Status.PASS, check.message
        assert check.measured == count


def test_the_raw_results_keep_how_each_check_ran(audited: tuple[Audit, str]) -> None:
    result, _ = audited
    record = result.page("/own/trap")
    raw = json.loads((Path(result.folder) / record["result_file"]).read_text())
    assert raw["golive"]["ran"] == ["keyboard", "reflow"]
    assert raw["golive"]["facts"]["keyboard"]["trap"] is True
    assert raw["golive"]["facts"]["reflow"]["overflow_px"] == 0
