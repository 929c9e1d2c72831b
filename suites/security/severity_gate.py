"""The count gate by severity: open findings of a `fail_on` severity fail, of a `warn_on` severity warn.

Kept in one small function of plain values (the accessibility suite gates by impact the same way), so a shared
harness helper can replace it without touching the rest of the suite.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from harness.models import SEVERITY_ORDER, Check, Finding, Status


def severity_checks(
    findings: Sequence[Finding],
    fail_on: Collection[str],
    warn_on: Collection[str],
    measured_anything: bool,
    coverage: str,
    summarise: Callable[[Sequence[Finding]], str],
) -> list[Check]:
    """A `severity_<name>` check per severity over `findings` (already without the rules file's own verdicts).

    Waived findings are counted apart and never gate. With nothing measured every check is an error naming
    `coverage`, never a pass; `summarise` names the rules behind the open findings.
    """
    checks: list[Check] = []
    for severity in SEVERITY_ORDER:
        check_id = f"severity_{severity.value}"
        if not measured_anything:
            checks.append(Check(check_id, Status.ERROR, f"{severity.value} findings not measured: {coverage}"))
            continue
        open_ = [f for f in findings if f.severity is severity and f.waived is None]
        waived = sum(1 for f in findings if f.severity is severity and f.waived is not None)
        # Thresholds have the shape of a Band (an upper limit), as the accessibility suite's impact checks do.
        threshold: dict[str, int] | None
        if severity.value in fail_on:
            status, threshold = (Status.FAIL if open_ else Status.PASS), {"fail": 0}
        elif severity.value in warn_on:
            status, threshold = (Status.WARN if open_ else Status.PASS), {"warn": 0}
        else:
            status, threshold = Status.PASS, None
        plural = "" if len(open_) == 1 else "s"
        message = f"{len(open_)} open {severity.value} finding{plural}" if open_ else f"no {severity.value} findings"
        if open_:
            message += f" ({summarise(open_)})" + ("" if threshold else " (not gated)")
        if waived:
            message += f"; {waived} waived"
        checks.append(Check(check_id, status, message, measured=len(open_), threshold=threshold))
    return checks
