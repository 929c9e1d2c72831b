"""golive's own checks on the known-bad set and its near misses, in real Chromium.

Each page of `defects.BAD` must raise exactly its rule (a fixed-width layout one reflow finding, however many
elements stick out); each page of `defects.GOOD` must raise nothing; a page where visible focus cannot be
decided must be listed for review without failing anything. One audit of all the pages feeds every test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.blocks import Table
from harness.models import Status
from suites.accessibility.report import accessibility_blocks
from tests.accessibility import defects
from tests.accessibility.running import Audit, MakeConfig, audit, chromium_missing
from tests.support import Route, serve

pytestmark = pytest.mark.integration

if (reason := chromium_missing()) is not None:
    pytest.skip(f"needs Chromium: {reason}", allow_module_level=True)

CASES = {**defects.BAD, **defects.GOOD, **defects.REVIEW}


@pytest.fixture(scope="module")
def audited(make_module_config: MakeConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Audit, str]]:
    """All the pages audited once; yields the audit and the site's base URL."""
    with serve({path: Route(case.html) for path, case in CASES.items()}) as site:
        folder = tmp_path_factory.mktemp("own")
        result = audit(make_module_config, site.url, folder, f"accessibility.pages={json.dumps(list(CASES))}")
        yield result, site.url


def own_findings(result: Audit, url: str) -> list[tuple[str, str | None]]:
    """(rule, selector) of every finding of golive's own checks on `url`."""
    return [
        (finding.rule, finding.selector)
        for finding in result.result.findings
        if finding.url == url and finding.rule.startswith("golive-")
    ]


@pytest.mark.parametrize("path", sorted(defects.BAD))
def test_each_defect_is_caught_once(audited: tuple[Audit, str], path: str) -> None:
    result, base = audited
    case = defects.BAD[path]
    found = own_findings(result, base + path)
    assert [rule for rule, _ in found] == [case.rule] * case.count, f"{case.why}: {found}"


@pytest.mark.parametrize("path", sorted(defects.GOOD))
def test_near_misses_raise_nothing(audited: tuple[Audit, str], path: str) -> None:
    result, base = audited
    assert own_findings(result, base + path) == [], defects.GOOD[path].why
    review = [row for row in result.result.details.get("needs_review", []) if row["page"] == path]
    assert review == [], defects.GOOD[path].why


def test_undecided_focus_is_listed_for_review_and_never_fails(audited: tuple[Audit, str]) -> None:
    result, base = audited
    path = "/review/animated-neighbour"
    assert own_findings(result, base + path) == []
    rows = [row for row in result.result.details["needs_review"] if row["page"] == path]
    assert [(row["rule"], row["selector"], row["wcag"]) for row in rows] == [
        (defects.FOCUS, "body > main > p > a", ["2.4.7"])
    ]
    assert "changes by itself" in rows[0]["reason"]
    assert result.result.metrics["needs_review_golive"] == len(result.result.details["needs_review"])
    assert result.result.metrics["needs_review"] >= result.result.metrics["needs_review_golive"]
    [table] = [block for block in accessibility_blocks(result.result) if getattr(block, "title", "") == "Needs review"]
    assert isinstance(table, Table) and [row["selector"] for row in table.rows] == ["body > main > p > a"]
    page = next(row for row in result.result.details["by_page"] if row["page"] == path)
    assert page["needs_review"] >= 1 and sum(page["violations"].values()) == 0


def test_a_fixed_width_layout_is_one_finding_naming_the_widest_elements(audited: tuple[Audit, str]) -> None:
    result, base = audited
    finding = next(f for f in result.result.findings if f.url == base + "/bad/fixed-768-layout")
    assert finding.selector == "html"
    assert finding.evidence is not None
    assert "the page is 768 px wide and scrolls sideways" in finding.evidence
    # The outermost elements that stick out are named; what they contain only follows them.
    assert "body > main reaches 768 px" in finding.evidence and "body > header reaches 768 px" in finding.evidence
    assert "section" not in finding.evidence.lower()


def test_exempt_content_is_left_out_and_the_exemption_stated(audited: tuple[Audit, str]) -> None:
    result, _ = audited
    raw = json.loads((Path(result.folder) / result.page("/good/wide-data-table")["result_file"]).read_text())
    facts = raw["golive"]["facts"]["reflow"]
    assert facts["overflow_px"] > 0 and facts["offending"] == 0
    assert facts["exempt"] == ["body > main > table"]
    assert "data tables" in facts["exemption"] and "WCAG 1.4.10" in facts["exemption"]


def test_own_findings_carry_their_criterion_impact_and_evidence(audited: tuple[Audit, str]) -> None:
    result, base = audited
    expected = {defects.REFLOW: "1.4.10", defects.UNREACHABLE: "2.1.1", defects.FOCUS: "2.4.7", defects.TRAP: "2.1.2"}
    own = [finding for finding in result.result.findings if finding.rule.startswith("golive-")]
    assert {finding.rule for finding in own} == set(expected)
    for finding in own:
        assert finding.extra["wcag"] == [expected[finding.rule]]
        assert finding.help_url is not None and finding.help_url.startswith("https://www.w3.org/WAI/WCAG22/")
    trap = next(finding for finding in own if finding.rule == defects.TRAP)
    assert (trap.extra["impact"], trap.selector) == ("critical", "#a")
    assert trap.evidence is not None and "neither Tab, Shift+Tab nor Escape moves it out" in trap.evidence
    faint = next(f for f in own if f.url == base + "/bad/faint-colour-shift")
    assert faint.evidence is not None and "pixels of the" in faint.evidence
    div = next(f for f in own if f.url == base + "/bad/clickable-div")
    assert div.evidence is not None and "cannot take focus" in div.evidence


def test_the_own_checks_report_where_they_ran(audited: tuple[Audit, str]) -> None:
    result, _ = audited
    for check_id in ("check_reflow", "check_keyboard"):
        check = result.check(check_id)
        assert check.status is Status.PASS, check.message
        assert check.measured == len(CASES)
    raw = json.loads((Path(result.folder) / result.page("/bad/trap")["result_file"]).read_text())
    assert raw["golive"]["ran"] == ["keyboard", "reflow"]
    assert raw["golive"]["facts"]["keyboard"]["trap"] is True
