"""The probe window: each URL requested `requests` times, spread evenly over `window`, one request at a time.

Each probe is recorded as it ended (status, time, whether the expected text was there, or the error), so an
interrupted window still leaves what it saw. Success is judged later, from these records and the config.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from suites.availability.http import send, unverified_tls

ProbeRecord = dict[str, Any]


def probe(url: str, label: str, offset: float, headers: Mapping[str, str], timeout: float, text: str) -> ProbeRecord:
    """One probe of `url` at `offset` seconds into the window."""
    record: ProbeRecord = {"url": label, "t": round(offset, 3)}
    try:
        answer = send(url, timeout, headers, tls=unverified_tls())
    except (OSError, http.client.HTTPException) as error:
        record["error"] = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        return record
    record.update(status=answer.status, ms=round(answer.elapsed_ms, 2))
    if text:
        record["text_found"] = text in answer.text()
    return record


def run_window(
    urls: Sequence[tuple[str, str, Mapping[str, str]]],
    rounds: int,
    window: float,
    timeout: float,
    expect_text: str,
    keep: Callable[[list[ProbeRecord]], None],
    sleep: Callable[[float], None] = time.sleep,
) -> list[ProbeRecord]:
    """Probe every (url, label, headers) once per round, rounds evenly spaced over `window` seconds; `keep` each round.

    A round that starts late (the previous one overran) starts at once rather than being skipped: the count of
    probes is what the success ratio rests on.
    """
    records: list[ProbeRecord] = []
    interval = window / rounds
    start = time.monotonic()
    for index in range(rounds):
        wait = start + index * interval - time.monotonic()
        if wait > 0:
            sleep(wait)
        for url, label, headers in urls:
            records.append(probe(url, label, time.monotonic() - start, headers, timeout, expect_text))
        keep(records)
    return records
