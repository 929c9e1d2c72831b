"""The "Go-live checklist" section of every report: each go-live topic, what covers it, and what it rests on.

One builder (harness.golive_list) and three small renderers, so report.html, summary.md and junit.xml show the
same list: topics nothing covered are listed as "not covered", and a sign-off always reads as a sign-off.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from harness.golive_list import NOT_COVERED, CoveringCheck, GoLiveList, TopicStatus, signed_off_checks
from harness.models import SKIPPED_SUITE_CHECK, Status, SuiteResult
from harness.reporters.html_common import esc, label_for, status_badge, table

ANCHOR = "golive-checklist"
TITLE = "Go-live checklist"
JUNIT_SUITE = "golive.go-live-checklist"
# A sign-off's tag: never the green "Pass" of a measurement.
SIGNED_OFF_TAG = '<strong class="tag tag-signed-off">Signed off</strong>'
_INTRO = (
    "Every topic of the go-live list, with the checks of this run that cover it. "
    "Measured: golive measured it in this run. Evidence: a file the team supplied. "
    "Sign-off: a person's word, with who and when; it is never shown as an automated pass."
)


def passed_text(suite: SuiteResult, passed: int, counted: int, form: str = "{passed} of {counted}") -> str:
    """ "4 of 13 (+2 signed off)": a suite's passed checks, with its sign-offs counted apart from them."""
    signed = len(signed_off_checks(suite))
    text = form.format(passed=passed - signed, counted=counted)
    return text + (f" (+{signed} signed off)" if signed else "")


def _tag(word: str, status: Status | None) -> str:
    if word == NOT_COVERED:
        return '<strong class="tag tag-not-covered">Not covered</strong>'
    if word == "signed off":
        return SIGNED_OFF_TAG
    return status_badge(status) if status is not None else esc(word)


def _check_line(check: CoveringCheck) -> str:
    # Checklist messages begin with the item's title already; say it once.
    named = check.title and check.message.startswith(check.title)
    where = label_for(check.suite) if named else f"{label_for(check.suite)} · {check.title or check.check_id}"
    source = "" if check.status is Status.SKIPPED else f" [{check.source.value}]"
    return f"{where}: {check.message}{source}"


def _not_run(check: CoveringCheck) -> bool:
    return check.check_id == SKIPPED_SUITE_CHECK and check.status is Status.SKIPPED


def suites_not_run(golive: GoLiveList) -> dict[str, str]:
    """The suites that did not run at all, with why: said once above the table, not in every topic they cover."""
    found: dict[str, str] = {}
    for topic in golive.topics:
        for check in topic.checks:
            if _not_run(check):
                found.setdefault(check.suite, check.message)
    return found


def _covered_by_html(topic: TopicStatus) -> str:
    if topic.covering:
        # Skipped checks follow the ones that were made, so the reader sees what was left out and why.
        skipped = [check for check in topic.checks if check.status is Status.SKIPPED]
        items = "".join(
            f"<li>{_tag(check.status_word, check.status)} "
            f"{esc(f'{label_for(check.suite)}: not run (see above)' if _not_run(check) else _check_line(check))}</li>"
            for check in (*topic.covering, *skipped)
        )
        return f"<ul>{items}</ul>"
    could = sorted(
        {f"{label_for(check.suite)} ({'not run' if _not_run(check) else check.message})" for check in topic.checks}
    )
    hint = f" Could be covered by: {esc('; '.join(could))}." if could else ""
    return f"Nothing in this run covers it.{hint}"


def _not_run_line(golive: GoLiveList) -> str:
    not_run = suites_not_run(golive)
    if not not_run:
        return ""
    said = "; ".join(f"{label_for(suite)} ({why})" for suite, why in not_run.items())
    return f"<p>Not run in this run: {esc(said)}.</p>"


def render_html_section(golive: GoLiveList) -> str:
    """The section of report.html."""
    rows = []
    for topic in golive.topics:
        heading = f"{esc(topic.topic.title)}<span class='asks'>{esc(topic.topic.asks)}</span>"
        sources = ", ".join(source.value for source in topic.sources) or "—"
        rows.append([heading, _tag(topic.status_word, topic.status), esc(sources), _covered_by_html(topic)])
    gaps = len(golive.gaps)
    gap_line = f"<p><strong>{gaps} of {len(golive.topics)} topics are not covered by this run.</strong></p>"
    body = table(TITLE, ["Topic", "Status", "Rests on", "Covered by"], rows, caption_hidden=True)
    return (
        f'<section class="golive-list" aria-labelledby="{ANCHOR}"><h2 id="{ANCHOR}">{TITLE}</h2>'
        f"<p>{esc(_INTRO)}</p>{gap_line if gaps else ''}{_not_run_line(golive)}{body}</section>"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown_section(golive: GoLiveList) -> list[str]:
    """The section of summary.md, as lines."""
    lines = [f"### {TITLE}", "", _INTRO, ""]
    lines += ["| Topic | Status | Rests on | Covered by |", "|---|---|---|---|"]
    for topic in golive.topics:
        if topic.covering:
            covered = "; ".join(
                f"{check.suite}/{check.check_id}: {check.status_word}"
                + (f" by {check.signed_by} on {check.signed_on}" if check.signed_off else "")
                for check in topic.covering
            )
        else:
            could = ", ".join(sorted({check.suite for check in topic.checks}))
            covered = "nothing in this run" + (f" (could be: {could})" if could else "")
        sources = ", ".join(source.value for source in topic.sources) or "—"
        word = "**not covered**" if topic.status is None else topic.status_word
        lines.append(f"| {_cell(topic.topic.title)} | {word} | {sources} | {_cell(covered)} |")
    return [*lines, ""]


def _topic_detail(topic: TopicStatus) -> str:
    if not topic.covering:
        return f"{topic.topic.title}: not covered by this run ({topic.topic.asks})"
    return "\n".join(f"{check.status_word}: {_check_line(check)}" for check in topic.covering)


def add_junit_suite(root: ET.Element, golive: GoLiveList) -> dict[str, int]:
    """A <testsuite> with a <testcase> per topic (not covered = skipped); returns its counts for the totals."""
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    element = ET.SubElement(root, "testsuite", name=JUNIT_SUITE)
    for topic in golive.topics:
        counts["tests"] += 1
        case = ET.SubElement(element, "testcase", name=topic.topic.id, classname=JUNIT_SUITE)
        detail = _topic_detail(topic)
        message = f"{topic.topic.title}: {topic.status_word}"
        if topic.status is None:
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=f"{topic.topic.title}: not covered by this run")
        elif topic.status is Status.FAIL:
            counts["failures"] += 1
            ET.SubElement(case, "failure", message=message, type="go-live").text = detail
        elif topic.status is Status.ERROR:
            counts["errors"] += 1
            ET.SubElement(case, "error", message=message, type="not_measured").text = detail
        else:
            ET.SubElement(case, "system-out").text = f"{message}\n{detail}"
    for key, value in counts.items():
        element.set(key, str(value))
    return counts
