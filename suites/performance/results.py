"""Turn what a Locust run saved (locust.json, grouped errors, the stats history) into plain values.

Pure functions of parsed documents (and, for a tool's CSV files, of the file): no network, no Locust import.
Percentiles are computed from Locust's own response-time histogram with Locust's own method, so they match the
figures in Locust's HTML report.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from suites.performance import protocol

PERCENTILES = {"p50_ms": 0.50, "p90_ms": 0.90, "p95_ms": 0.95, "p99_ms": 0.99}

# Errors that mean the request never reached an HTTP server: the measurement says nothing about the service.
_CONNECTION_ERROR = re.compile(
    r"ConnectionRefused|Connection refused|NewConnectionError|Name or service not known|"
    r"nodename nor servname|getaddrinfo failed|Temporary failure in name resolution|No route to host|"
    r"Network is unreachable|gaierror",
    re.IGNORECASE,
)
_STATUS_CODE = re.compile(r"(?:code=|HTTPError\(['\"])(?P<code>[1-5]\d\d)\b")
_CLOSED = re.compile(r"ConnectionClosed|RemoteDisconnected|Connection reset|ConnectionResetError", re.IGNORECASE)
_TIMED_OUT = re.compile(r"Timeout|timed out", re.IGNORECASE)
_REDIRECT_LIMIT = re.compile(r"Redirection limit reached \((?P<limit>\d+)\)|TooManyRedirects", re.IGNORECASE)
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


@dataclass(frozen=True)
class EndpointStats:
    """Locust's statistics for one request name (or all of them merged)."""

    method: str
    name: str
    requests: int
    failures: int
    # Response time in ms, rounded by Locust to about two significant digits -> number of requests.
    response_times: Mapping[int, int]
    max_ms: float | None
    total_response_time: float
    start_time: float | None
    last_request_timestamp: float | None
    requests_per_second: Mapping[int, int] = field(default_factory=dict)
    failures_per_second: Mapping[int, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How the endpoint is named in reports and thresholds: "GET /search" (method + path)."""
        if not self.method or self.name.startswith(f"{self.method} "):
            return self.name
        return f"{self.method} {self.name}"

    def matches(self, key: str) -> bool:
        """Whether a threshold key such as "GET /search" (or just Locust's request name) means this endpoint."""
        return key in (self.label, self.name)


def _int_keys(data: Any) -> dict[int, int]:
    if not isinstance(data, Mapping):
        return {}
    return {int(float(key)): int(value) for key, value in data.items()}


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def endpoint_from_locust(entry: Mapping[str, Any]) -> EndpointStats:
    """One entry of Locust's --json-file output."""
    return EndpointStats(
        method=str(entry.get("method") or ""),
        name=str(entry.get("name") or ""),
        requests=int(entry.get("num_requests") or 0),
        failures=int(entry.get("num_failures") or 0),
        response_times=_int_keys(entry.get("response_times")),
        max_ms=_optional_float(entry.get("max_response_time")) if entry.get("num_requests") else None,
        total_response_time=float(entry.get("total_response_time") or 0.0),
        start_time=_optional_float(entry.get("start_time")),
        last_request_timestamp=_optional_float(entry.get("last_request_timestamp")),
        requests_per_second=_int_keys(entry.get("num_reqs_per_sec")),
        failures_per_second=_int_keys(entry.get("num_fail_per_sec")),
    )


def endpoints_from(data: Any) -> list[EndpointStats]:
    """Every endpoint in Locust's --json-file output; raises ValueError for anything else."""
    if not isinstance(data, list):
        raise ValueError(f"{protocol.LOCUST_JSON} is not Locust's --json-file output (expected a list of entries)")
    return [endpoint_from_locust(entry) for entry in data if isinstance(entry, Mapping)]


def load_endpoints(path: Path) -> list[EndpointStats]:
    """Every endpoint in a locust.json file; raises FileNotFoundError or ValueError for a missing or bad file."""
    return endpoints_from(json.loads(path.read_text(encoding="utf-8")))


def _sum_counters(maps: Iterable[Mapping[int, int]]) -> dict[int, int]:
    total: Counter[int] = Counter()
    for mapping in maps:
        total.update(mapping)
    return dict(total)


def merge(endpoints: Sequence[EndpointStats], name: str = "Aggregated") -> EndpointStats:
    """All endpoints as one, the way Locust builds its "Aggregated" row."""
    maxima = [e.max_ms for e in endpoints if e.max_ms is not None]
    starts = [e.start_time for e in endpoints if e.start_time is not None]
    lasts = [e.last_request_timestamp for e in endpoints if e.last_request_timestamp is not None]
    return EndpointStats(
        method="",
        name=name,
        requests=sum(e.requests for e in endpoints),
        failures=sum(e.failures for e in endpoints),
        response_times=_sum_counters(e.response_times for e in endpoints),
        max_ms=max(maxima) if maxima else None,
        total_response_time=sum(e.total_response_time for e in endpoints),
        start_time=min(starts) if starts else None,
        last_request_timestamp=max(lasts) if lasts else None,
        requests_per_second=_sum_counters(e.requests_per_second for e in endpoints),
        failures_per_second=_sum_counters(e.failures_per_second for e in endpoints),
    )


def percentile(response_times: Mapping[int, int], percent: float) -> int | None:
    """The response time `percent` (0..1) of requests finished within, from Locust's histogram; None if empty.

    The same walk as Locust's `calculate_response_time_percentile`, so the numbers agree with its report.
    """
    count = sum(response_times.values())
    if count == 0:
        return None
    allowed_above = int(count * percent)
    processed = 0
    for response_time in sorted(response_times, reverse=True):
        processed += response_times[response_time]
        if count - processed <= allowed_above:
            return response_time
    return min(response_times)


def measured_seconds(stats: EndpointStats) -> float | None:
    """Seconds from the start of the test to the last request, the window `rps` is computed over."""
    if stats.start_time is None or stats.last_request_timestamp is None:
        return None
    seconds = stats.last_request_timestamp - stats.start_time
    return seconds if seconds > 0 else None


def metrics_for(stats: EndpointStats, seconds: float | None) -> dict[str, Any]:
    """The headline figures for one endpoint or the whole run (the keys of DESIGN.md's metrics example)."""
    metrics: dict[str, Any] = {
        "requests": stats.requests,
        "failures": stats.failures,
        "error_ratio": round(stats.failures / stats.requests, 6) if stats.requests else None,
        "rps": round(stats.requests / seconds, 1) if seconds else None,
    }
    for key, percent in PERCENTILES.items():
        metrics[key] = percentile(stats.response_times, percent)
    metrics["max_ms"] = round(stats.max_ms) if stats.max_ms is not None else None
    return metrics


@dataclass(frozen=True)
class ErrorGroup:
    """One kind of error on one endpoint, with how often it happened."""

    method: str
    name: str
    error: str
    occurrences: int

    @property
    def label(self) -> str:
        """The endpoint, as in `EndpointStats.label`."""
        if not self.method or self.name.startswith(f"{self.method} "):
            return self.name
        return f"{self.method} {self.name}"

    @property
    def is_connection_error(self) -> bool:
        """Whether the request failed before any HTTP answer (refused, unresolvable, unroutable)."""
        return bool(_CONNECTION_ERROR.search(self.error))

    @property
    def summary(self) -> str:
        """The error as a reader would say it: "HTTP 500", "connection refused", or Locust's own text."""
        match = _STATUS_CODE.search(self.error)
        if match:
            return f"HTTP {match['code']}"
        if re.search(r"ConnectionRefused|Connection refused", self.error, re.IGNORECASE):
            return "connection refused"
        if _CLOSED.search(self.error):
            return "the connection was closed before an answer"
        if _TIMED_OUT.search(self.error):
            return "no answer in time"
        redirects = _REDIRECT_LIMIT.search(self.error)
        if redirects:
            times = f"more than {redirects['limit']} times" if redirects["limit"] else "too many times"
            return f"redirected {times} (a redirect loop?)"
        return self.error

    @property
    def stable_text(self) -> str:
        """The error without memory addresses, so the same problem has the same fingerprint in every run."""
        return _ADDRESS.sub("0x", self.error)


@dataclass(frozen=True)
class ErrorsRecord:
    """Grouped request errors and exceptions raised by user code."""

    groups: tuple[ErrorGroup, ...] = ()
    exceptions: tuple[dict[str, Any], ...] = ()
    source: str | None = None


def _groups_from_json(data: Any) -> ErrorsRecord:
    groups = tuple(
        ErrorGroup(str(e.get("method") or ""), str(e.get("name") or ""), str(e.get("error")), int(e["occurrences"]))
        for e in data.get("errors", [])
        if isinstance(e, Mapping)
    )
    exceptions = tuple(e for e in data.get("exceptions", []) if isinstance(e, dict))
    return ErrorsRecord(groups, exceptions, protocol.ERRORS_JSON)


def failures_csv_rows(path: Path) -> list[dict[str, Any]]:
    """Locust's failures CSV as a list of {method, name, error, occurrences} records."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    return [
        {
            "method": row.get("Method", ""),
            "name": row.get("Name", ""),
            "error": row.get("Error", ""),
            "occurrences": int(row.get("Occurrences") or 0),
        }
        for row in rows
    ]


def errors_from(hooks: Any, failures: Any) -> ErrorsRecord:
    """The grouped errors: golive's hook record (complete), else Locust's failures CSV rows (may miss a second)."""
    if isinstance(hooks, Mapping):
        return _groups_from_json(hooks)
    if isinstance(failures, list):
        groups = tuple(
            ErrorGroup(str(row["method"]), str(row["name"]), str(row["error"]), int(row["occurrences"]))
            for row in failures
            if isinstance(row, Mapping)
        )
        return ErrorsRecord(groups, (), protocol.FAILURES_CSV)
    return ErrorsRecord()


def _number(text: str | None) -> float | None:
    if text is None or text in ("", "N/A"):
        return None
    try:
        return float(text)
    except ValueError:
        return None


def history_csv_rows(path: Path) -> dict[int, dict[str, float | None]]:
    """Per-second "Aggregated" rows of the stats history CSV: users and Locust's rolling p50/p95, by second."""
    rows: dict[int, dict[str, float | None]] = {}
    with path.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            if row.get("Name") != "Aggregated":
                continue
            second = _number(row.get("Timestamp"))
            if second is None:
                continue
            rows[int(second)] = {
                "users": _number(row.get("User Count")),
                "p50_ms": _number(row.get("50%")),
                "p95_ms": _number(row.get("95%")),
            }
    return rows


def timeline(total: EndpointStats, history: Mapping[int, Mapping[str, float | None]]) -> list[dict[str, Any]]:
    """One point per second of the run: users, requests (rps) and failures in that second, rolling p50/p95.

    Requests and failures come from locust.json (complete); users and percentiles from the history CSV, whose
    percentiles are Locust's rolling ten-second window.
    """
    seconds = sorted(set(total.requests_per_second) | set(total.failures_per_second))
    if not seconds:
        return []
    start = int(total.start_time) if total.start_time is not None else seconds[0]
    points = []
    for second in range(min(start, seconds[0]), seconds[-1] + 1):
        sample = history.get(second, {})
        users = sample.get("users")
        points.append(
            {
                "t": second - start,
                "users": int(users) if users is not None else None,
                # Requests completed in this one second, so also the requests per second.
                "rps": total.requests_per_second.get(second, 0),
                "failures": total.failures_per_second.get(second, 0),
                "p50_ms": sample.get("p50_ms"),
                "p95_ms": sample.get("p95_ms"),
            }
        )
    return points


def history_from(data: Any) -> dict[int, dict[str, float | None]]:
    """The per-second history as saved in a JSON document (second keys become ints again)."""
    if not isinstance(data, Mapping):
        return {}
    return {int(second): dict(row) for second, row in data.items() if isinstance(row, Mapping)}
