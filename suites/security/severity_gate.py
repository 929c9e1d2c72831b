"""The count gate by severity: open findings of a `fail_on` severity fail, of a `warn_on` severity warn.

Each severity goes through harness.gates.count_gate, the gate every findings-based suite shares; what is the
security suite's own is that nothing measured makes every severity an error, never a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from harness.gates import count_gate
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
    `coverage`; `summarise` names the rules behind the open findings.
    """
    checks: list[Check] = []
    for severity in SEVERITY_ORDER:
        check_id = f"severity_{severity.value}"
        if not measured_anything:
            checks.append(Check(check_id, Status.ERROR, f"{severity.value} findings not measured: {coverage}"))
            continue
        of_severity = [f for f in findings if f.severity is severity]
        open_ = [f for f in of_severity if f.waived is None]
        waived = len(of_severity) - len(open_)
        checks.append(count_gate(check_id, severity.value, open_, fail_on, warn_on, summarise, waived=waived))
    return checks
