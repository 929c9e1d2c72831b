"""The verdict's reasons shown apart from its notes, so a note never reads as a reason."""

from __future__ import annotations

from harness.models import Check, Reason, Status, SuiteResult, Verdict
from harness.verdict import decide, headline_and_notes


def _suite(name: str, *checks: Check, notes: tuple[str, ...] = ()) -> SuiteResult:
    return SuiteResult(name=name, checks=checks, notes=notes)


def test_a_failing_run_heads_with_its_failures_and_keeps_suite_notes_apart() -> None:
    verdict, reasons = decide(
        {
            "performance": _suite("performance", Check("p95_ms", Status.FAIL, "p95 latency 1240 ms > 1000 ms")),
            "accessibility": _suite(
                "accessibility", Check("serious", Status.WARN, "1 serious violation"), notes=("3 of 3 pages reused",)
            ),
        }
    )
    headline, notes = headline_and_notes(reasons)
    assert verdict is Verdict.NOT_READY
    assert [reason.status for reason in headline] == [Status.FAIL, Status.WARN]
    assert [reason.message for reason in notes] == ["3 of 3 pages reused"]


def test_a_ready_run_keeps_its_summary_and_its_warnings_in_the_headline() -> None:
    verdict, reasons = decide(
        {"security": _suite("security", Check("csp", Status.WARN, "no CSP"), notes=("a scan note",))}
    )
    headline, notes = headline_and_notes(reasons)
    assert verdict is Verdict.READY
    assert headline[0].message.startswith("no check failed or errored")
    assert [reason.status for reason in headline[1:]] == [Status.WARN]
    assert [reason.message for reason in notes] == ["a scan note"]


def test_the_verdicts_own_sentence_leads_even_among_notes() -> None:
    reasons = [
        Reason(None, (), "the run was interrupted before it finished; results are partial"),
        Reason(Status.ERROR, ("performance",), "Locust was killed"),
        Reason(None, (), "waiver x matched nothing"),
    ]
    headline, notes = headline_and_notes(reasons)
    assert [reason.message for reason in headline] == [reasons[0].message, "Locust was killed"]
    assert notes == [reasons[2]]
    assert headline_and_notes([]) == ([], [])
