"""Every axe rule the suite is relied on to catch, on real pages in real Chromium.

One audit of all the pages (one browser, several tabs at once) feeds every test of this module: each page is
built to fail exactly one rule, and a clean page yields nothing. golive's own checks are tested in
`test_own_checks.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from harness.models import Status
from tests.accessibility import pages
from tests.accessibility.running import Audit, MakeConfig, audit, chromium_missing
from tests.support import Route, serve

pytestmark = pytest.mark.integration

if (reason := chromium_missing()) is not None:
    pytest.skip(f"needs Chromium: {reason}", allow_module_level=True)

ROUTES = {
    **{f"/rule/{rule}": Route(body) for rule, body in pages.ONE_RULE_EACH.items()},
    "/clean": Route(pages.CLEAN),
}


@pytest.fixture(scope="module")
def audited(make_module_config: MakeConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Audit, str]]:
    """All the pages audited once; yields the audit and the site's base URL."""
    with serve(ROUTES) as site:
        folder = tmp_path_factory.mktemp("rules")
        result = audit(make_module_config, site.url, folder, f"accessibility.pages={json.dumps(list(ROUTES))}")
        yield result, site.url


@pytest.mark.parametrize("rule", sorted(pages.ONE_RULE_EACH))
def test_each_axe_rule_is_caught_on_its_own_page(audited: tuple[Audit, str], rule: str) -> None:
    result, base = audited
    assert result.rules_by_path(base).get(f"/rule/{rule}") == {rule}


def test_the_own_checks_report_where_they_ran(audited: tuple[Audit, str]) -> None:
    result, _ = audited
    count = len(ROUTES)
    for check_id in ("check_reflow", "check_keyboard"):
        check = result.check(check_id)
        assert check.status is Status.PASS, check.message
        assert check.measured == count


def test_axe_findings_carry_the_wcag_criteria_of_their_tags(audited: tuple[Audit, str]) -> None:
    result, _ = audited
    criteria = {finding.rule: finding.extra.get("wcag") for finding in result.result.findings}
    assert criteria["image-alt"] == ["1.1.1"]
    assert criteria["html-has-lang"] == ["3.1.1"]
    assert criteria["color-contrast"] == ["1.4.3"]
    assert criteria["label"] == ["4.1.2"]
    by_rule = {row["rule"]: row for row in result.result.details["by_rule"]}
    assert by_rule["image-alt"]["wcag"] == ["1.1.1"]
