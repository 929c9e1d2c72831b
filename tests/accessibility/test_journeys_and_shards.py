"""Journeys through a two-step form (its error state included), a crawl trap, and sharding, in real Chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from harness.models import Status
from harness.suite import GatherError
from tests.accessibility import pages
from tests.accessibility.running import Audit, MakeConfig, audit, chromium_missing
from tests.support import LocalServer, Route, RouteTable, run_golive, serve

pytestmark = pytest.mark.integration

if (reason := chromium_missing()) is not None:
    pytest.skip(f"needs Chromium: {reason}", allow_module_level=True)

NAME_FORM = (
    "<form action='/apply/check' method='get'>{error}<label for='name'>Full name</label>"
    "<input id='name' name='name'><button id='continue'>Continue</button></form>"
)
# The error message is pale red on white: a contrast failure that exists only once the form was sent empty.
NAME_ERROR = "<p id='name-error' style='color:#f99'>Enter your full name</p>"
CONTACT_FORM = (
    "<form action='/apply/done' method='get'><label for='email'>Email</label>"
    "<input id='email' type='email' name='email'><button id='send'>Send</button></form>"
)


def _check_name(handler: BaseHTTPRequestHandler) -> Route:
    name = parse_qs(urlsplit(handler.path).query).get("name", [""])[0]
    if not name.strip():
        return Route(pages.document("Your name", NAME_FORM.format(error=NAME_ERROR)))
    return Route("", status=303, headers={"Location": "/apply/contact"})


def _calendar(handler: BaseHTTPRequestHandler) -> Route:
    month = int(parse_qs(urlsplit(handler.path).query).get("month", ["0"])[0])
    links = f"<a href='/calendar?month={month + 1}'>Next</a> <a href='/calendar?month={month - 1}'>Previous</a>"
    return Route(pages.document(f"Month {month}", links))


SITE: RouteTable = {
    "/apply": Route(pages.document("Your name", NAME_FORM.format(error=""))),
    "/apply/check": _check_name,
    "/apply/contact": Route(pages.document("How to contact you", CONTACT_FORM)),
    "/apply/done": Route(pages.document("Application sent", "<p>We will email you.</p>")),
    "/calendar": _calendar,
    "/start": Route(
        pages.document(
            "Start",
            "<a href='/calendar'>Calendar</a> <a href='/list?a=1&amp;b=2'>List</a> "
            "<a href='/list?b=2&amp;a=1'>Same</a>",
        )
    ),
    "/list": Route(pages.CLEAN),
    **{f"/s{number}": Route(pages.CLEAN) for number in range(1, 6)},
}
APPLY = (
    '{name = "apply", steps = [{goto = "/apply"}, {click = "#continue"}, {fill = "#name", value = "Ada Lovelace"}, '
    '{click = "#continue"}, {fill = "#email", value = "ada@example.org", audit = false}, {click = "#send"}, '
    '{wait_for = "h1"}]}'
)
BROKEN = '{name = "broken", step_timeout = "1s", steps = [{goto = "/apply"}, {click = "#no-such-button"}]}'


@pytest.fixture(scope="module")
def site() -> Iterator[LocalServer]:
    """The test site, shared by the tests of this module."""
    with serve(SITE) as server:
        yield server


def test_a_journey_audits_each_state_of_a_two_step_form(
    site: LocalServer, make_config: MakeConfig, tmp_path: Path
) -> None:
    result = audit(
        make_config,
        site.url,
        tmp_path,
        'accessibility.pages=["/apply/done"]',
        f"accessibility.journeys=[{APPLY}, {BROKEN}]",
        screenshots=True,
    )
    states = [page for page in result.index["pages"] if page["journey"] == "apply"]
    assert [(page["step"], page["status"]) for page in states] == [(n, "audited") for n in (1, 2, 3, 4, 6, 7)]
    assert urlsplit(states[1]["url"]).path == "/apply/check" and urlsplit(states[4]["url"]).path == "/apply/done"

    # The error state, reached by sending the form empty, is where the contrast failure is; it stays while the
    # name is typed in (step 3), and the same problem in two states is one finding.
    contrast = [finding for finding in result.result.findings if finding.rule == "color-contrast"]
    assert len(contrast) == 1
    details = result.result.details["by_page"]
    by_step = {page["step"]: page["violations"] for page in details if page.get("journey") == "apply"}
    assert by_step[2]["serious"] == 1 and by_step[3]["serious"] == 1 and by_step[1]["serious"] == 0
    assert contrast[0].selector == "#name-error"
    assert (contrast[0].extra["journey"], contrast[0].extra["step"]) == ("apply", 2)
    assert states[1]["screenshot"] is not None and (tmp_path / states[1]["screenshot"]).exists()

    # The Tab walk would disturb the form, so it runs after the last step only.
    first = json.loads((tmp_path / states[0]["result_file"]).read_text())["golive"]
    last = json.loads((tmp_path / states[-1]["result_file"]).read_text())["golive"]
    assert first["ran"] == ["reflow"] and "keyboard" in first["skipped"]
    assert last["ran"] == ["keyboard", "reflow"]

    broken = [page for page in result.index["pages"] if page["journey"] == "broken"]
    assert [(page["step"], page["status"]) for page in broken] == [(1, "audited"), (2, "step_error")]
    assert broken[1]["error"].startswith("step 2 (click '#no-such-button') failed: Timeout 1000ms exceeded")
    check = result.check("journeys")
    assert check.status is Status.ERROR
    assert check.message.startswith("1 of 2 journeys could not be walked to the end: 'broken': step 2 (click")
    assert result.check("pages_loaded").status is Status.PASS
    assert result.result.metrics["journeys"] == 2 and result.result.metrics["journeys_failed"] == 1
    assert any(line == "journey 'apply': 6 states audited, 2 violations" for line in result.progress)


def test_a_crawl_trap_is_bounded_and_urls_are_deduplicated(
    site: LocalServer, make_config: MakeConfig, tmp_path: Path
) -> None:
    result = audit(
        make_config,
        site.url,
        tmp_path,
        'accessibility.pages=["/start"]',
        "accessibility.crawl={max_pages = 40, max_depth = 20}",
        "accessibility.checks=[]",
    )
    audited = [page["requested"] for page in result.index["pages"]]
    calendar = [path for path in audited if path.startswith("/calendar")]
    assert calendar[0] == "/calendar" and len(calendar) == 4  # the page itself and 3 of its endless variants
    assert [path for path in audited if path.startswith("/list")] == ["/list?a=1&b=2"]


def test_shards_split_the_sorted_pages_and_journeys_between_them(
    site: LocalServer, make_config: MakeConfig, tmp_path: Path
) -> None:
    pages_set = 'accessibility.pages=["/s5", "/s3", "/s1", "/s4", "/s2"]'
    journeys = (
        'accessibility.journeys=[{name = "one", steps = [{goto = "/s1"}]}, {name = "two", steps = [{goto = "/s2"}]}]'
    )
    fast = ("accessibility.checks=[]", pages_set, journeys)
    first = audit(make_config, site.url, tmp_path / "1", *fast, 'accessibility.shard="1/2"')
    second = audit(make_config, site.url, tmp_path / "2", *fast, 'accessibility.shard="2/2"')

    def share(audit_of_shard: Audit) -> list[str]:
        return sorted(str(page["requested"]) for page in audit_of_shard.index["pages"])

    # Round-robin over the sorted list, whatever order the config gives: every CI job computes the same split.
    assert share(first) == ["/s1", "/s3", "/s5", "one · step 1: goto '/s1'"]
    assert share(second) == ["/s2", "/s4", "two · step 1: goto '/s2'"]
    assert first.index["shard"] == {"shard": "1/2", "pages_in_all": 5, "pages": 3, "journeys_in_all": 2, "journeys": 1}
    assert first.result.metrics["shard"] == "1/2"
    assert any("shard 1/2" in note for note in first.result.notes)

    with pytest.raises(GatherError, match=r"shard 3/3 has nothing to audit: 2 pages and 0 journeys in all"):
        audit(make_config, site.url, tmp_path / "3", 'accessibility.pages=["/s1", "/s2"]', 'accessibility.shard="3/3"')


def test_a_journey_only_audit_runs_from_the_cli_with_no_pages(site: LocalServer, tmp_path: Path) -> None:
    config = tmp_path / "golive.toml"
    config.write_text(f'[target]\nurl = "{site.url}"\n[accessibility]\npages = []\njourneys = [{APPLY}]\n')
    checked = run_golive("config", "check", "--config", str(config), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    done = run_golive("run", "--config", str(config), "--suite", "accessibility", "--out", "out", cwd=tmp_path)
    result = json.loads((tmp_path / "out" / "latest" / "result.json").read_text())
    suite = result["suites"]["accessibility"]
    # The contrast failure of the form's error state fails the run: the journey was audited, no page was asked.
    assert (done.returncode, result["verdict"]) == (1, "NOT_READY"), done.stdout + done.stderr
    assert suite["metrics"]["pages_requested"] == 0 and suite["metrics"]["journey_states_audited"] == 6
    assert "pages_loaded" not in {check["id"] for check in suite["checks"]}
    assert "1 serious violation (color-contrast on /apply/check?name=) > 0 allowed (fail)" in done.stdout


def test_an_audit_with_nothing_to_visit_is_refused_at_config_check(tmp_path: Path) -> None:
    checked = run_golive(
        "config", "check", "--set", "target.url=http://127.0.0.1:9", "--set", "accessibility.pages=[]", cwd=tmp_path
    )
    assert checked.returncode == 3
    lines = checked.stderr.strip().splitlines()
    assert len(lines) == 1 and "accessibility: nothing to audit: set accessibility.pages" in lines[0]
    assert "accessibility.journeys" in lines[0] and "accessibility.sitemap" in lines[0]
    # The sitemap alone is something to visit.
    sitemap = run_golive(
        "config",
        "check",
        "--set",
        "target.url=http://127.0.0.1:9",
        "--set",
        "accessibility.pages=[]",
        "--set",
        "accessibility.sitemap=true",
        cwd=tmp_path,
    )
    assert sitemap.returncode == 0, sitemap.stderr
