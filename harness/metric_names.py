"""Plain words for the metric keys of result.json, for readers who do not know "p95" or "rps"."""

from __future__ import annotations

PLAIN_NAMES = {
    "p50_ms": "median response time",
    "p90_ms": "90th percentile response time",
    "p95_ms": "95th percentile response time",
    "p99_ms": "99th percentile response time",
    "max_ms": "slowest response",
    "rps": "requests per second",
    "error_ratio": "failed requests",
    "success_ratio": "success rate",
    "pages_audited": "pages audited",
    "urls_scanned": "URLs scanned",
    "by_impact": "violations by impact",
    "findings_by_severity": "findings by severity",
}
# Unit suffixes of metric keys, as a reader writes them.
UNITS = (("_ms", "ms"), ("_s", "s"), ("_pct", "%"))


def metric_in_words(key: str) -> str:
    """`p95_ms` → "95th percentile response time (ms)"; an unlisted key in words with its unit, `scan_duration_s`
    → "scan duration (s)"."""
    for suffix, unit in UNITS:
        if key.endswith(suffix):
            return f"{PLAIN_NAMES.get(key) or key[: -len(suffix)].replace('_', ' ')} ({unit})"
    return PLAIN_NAMES.get(key) or key.replace("_", " ")
