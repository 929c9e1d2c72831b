"""Judging the HTTPS facts: certificate expiry and trust, the http:// → https:// redirect, and HSTS.

On an http target every one of them is `skipped` with the reason; a fact that could not be gathered is an
error, never a pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from harness.models import Check, Status
from harness.tls_trust import trust_hint
from suites.availability.settings import CertificateSettings

HTTPS_CHECKS = ("certificate_expiry", "certificate_chain", "https_redirect", "hsts")
REDIRECTS = (301, 302, 303, 307, 308)
# A year, as browsers' preload list and most guidance ask; less still protects, so it only warns.
HSTS_RECOMMENDED = 31_536_000
_MAX_AGE = re.compile(r"max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def _expiry(facts: Mapping[str, Any], settings: CertificateSettings, today: dt.date) -> Check:
    threshold = {"warn_below": settings.warn_days, "fail_below": settings.fail_days}
    if "error" in facts or "not_after" not in facts:
        message = f"certificate expiry could not be read: {facts.get('error', 'no date')}"
        return Check("certificate_expiry", Status.ERROR, message, None, threshold)
    expires = dt.datetime.fromisoformat(str(facts["not_after"])).date()
    days = (expires - today).days
    when = f"expires on {expires.isoformat()}"
    if days < 0:
        return Check("certificate_expiry", Status.FAIL, f"certificate expired on {expires}", days, threshold)
    if days < settings.fail_days:
        message = f"certificate {when}, in {days} days < {settings.fail_days}"
        return Check("certificate_expiry", Status.FAIL, message, days, threshold)
    if days < settings.warn_days:
        message = f"certificate {when}, in {days} days < {settings.warn_days}"
        return Check("certificate_expiry", Status.WARN, message, days, threshold)
    return Check("certificate_expiry", Status.PASS, f"certificate {when}, in {days} days", days, threshold)


def _chain(facts: Mapping[str, Any]) -> Check:
    valid = facts.get("valid")
    if valid is True:
        return Check("certificate_chain", Status.PASS, "certificate chain verifies for the host name", True)
    if valid is False:
        error = str(facts.get("error"))
        message = f"certificate is not trusted: {error}; {trust_hint(error)}"
        return Check("certificate_chain", Status.FAIL, message, False)
    return Check("certificate_chain", Status.ERROR, f"certificate chain not checked: {facts.get('error')}")


def _redirect(facts: Mapping[str, Any]) -> Check:
    if "skipped" in facts:
        return Check("https_redirect", Status.SKIPPED, str(facts["skipped"]))
    url = facts.get("url")
    if "error" in facts:
        message = (
            f"nothing answered at {url} ({facts['error']}); people who type the address without https:// get no page"
        )
        return Check("https_redirect", Status.WARN, message)
    status, location = facts.get("status"), str(facts.get("location") or "")
    if status in REDIRECTS and location.startswith("https://"):
        return Check("https_redirect", Status.PASS, f"{url} redirects to {location} (HTTP {status})", status)
    found = f"HTTP {status}" + (f" to {location}" if location else "")
    return Check("https_redirect", Status.FAIL, f"{url} does not redirect to https:// ({found})", status)


def _hsts(facts: Mapping[str, Any]) -> Check:
    if "error" in facts:
        return Check("hsts", Status.ERROR, f"HSTS not checked: {facts['error']}")
    header = facts.get("header")
    if not header:
        return Check("hsts", Status.FAIL, "no Strict-Transport-Security header on the https answer")
    match = _MAX_AGE.search(str(header))
    age = int(match.group(1)) if match else 0
    threshold = {"warn_below": HSTS_RECOMMENDED, "fail_below": 1}
    if age < 1:
        return Check("hsts", Status.FAIL, f"Strict-Transport-Security without a max-age: {header!r}", age, threshold)
    if age < HSTS_RECOMMENDED:
        message = f"HSTS max-age {age} s < {HSTS_RECOMMENDED} s (a year)"
        return Check("hsts", Status.WARN, message, age, threshold)
    return Check("hsts", Status.PASS, f"HSTS max-age {age} s", age, threshold)


def https_checks(facts: Mapping[str, Any] | None, settings: CertificateSettings, today: dt.date) -> list[Check]:
    """The four HTTPS checks from the gathered facts."""
    if facts is None:
        return [Check(check, Status.ERROR, "HTTPS facts were not gathered") for check in HTTPS_CHECKS]
    if facts.get("scheme") != "https":
        reason = str(facts.get("skipped") or "the target is not https://")
        return [Check(check, Status.SKIPPED, reason) for check in HTTPS_CHECKS]
    return [
        _expiry(facts.get("certificate") or {}, settings, today),
        _chain(facts.get("chain") or {}),
        _redirect(facts.get("redirect") or {}),
        _hsts(facts.get("hsts") or {}),
    ]
