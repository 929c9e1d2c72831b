"""The count gate every findings-based suite uses: how many open findings of one level, against fail_on/warn_on.

A level listed in `fail_on` fails on any open finding, one in `warn_on` warns; others are counted, not gated.
The threshold has the shape of a Band (an upper limit of 0), so reports read it like any other limit.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TypeVar

from harness.models import Check, Status

T = TypeVar("T")


def count_gate(
    check_id: str,
    level: str,
    open_items: Sequence[T],
    fail_on: Collection[str],
    warn_on: Collection[str],
    describe: Callable[[Sequence[T]], str],
    noun: tuple[str, str] = ("finding", "findings"),
    waived: int = 0,
    qualifier: str = "open",
) -> Check:
    """One check for `level`: its open items counted and described, judged by whether the level fails or warns.

    `qualifier` is the word before the level ("1 open high finding"); "" leaves it out ("4 serious violations").
    """
    threshold: dict[str, int] | None
    if level in fail_on:
        status, threshold = (Status.FAIL if open_items else Status.PASS), {"fail": 0}
    elif level in warn_on:
        status, threshold = (Status.WARN if open_items else Status.PASS), {"warn": 0}
    else:
        status, threshold = Status.PASS, None
    count = len(open_items)
    word = noun[0] if count == 1 else noun[1]
    if open_items:
        counted = " ".join(part for part in (str(count), qualifier, level, word) if part)
        message = f"{counted} ({describe(open_items)})"
        message += f" > {threshold[next(iter(threshold))]} allowed" if threshold else " (not gated)"
    else:
        message = f"no {level} {noun[1]}"
    if waived:
        message += f"; {waived} waived"
    return Check(check_id, status, message, measured=count, threshold=threshold)
