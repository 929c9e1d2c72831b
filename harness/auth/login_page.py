"""Recognise a login page that a request was redirected to, and the sign-out links nothing may request.

A page that ends on the login page after redirects is not the page that was asked for: auditing, load-testing or
scanning it as if it were would report on the login form. The login page is `auth.login_url` when it is
configured; without `[auth]`, a page reached by a redirect with exactly one password field is taken for one.
A redirect to a page with several password fields (a sign-up or change-password form) cannot be told apart:
it is reported for review rather than audited as the page.
"""

from __future__ import annotations

import enum
import fnmatch
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.async_api import Page

# An <input> whose type is password, however the attribute is quoted or cased.
_PASSWORD_INPUT = re.compile(r"<input\b[^>]*\btype\s*=\s*[\"']?password\b", re.IGNORECASE)
# Counted in the browser: visible password fields only (a hidden template is not a form a person sees).
PASSWORD_FIELDS_JS = """() => Array.from(document.querySelectorAll('input[type=password]'))
  .filter((field) => field.offsetWidth > 0 || field.offsetHeight > 0 || field.getClientRects().length > 0).length"""
REDIRECTED_TO_LOGIN = "redirected to the login page"


class Landing(enum.StrEnum):
    """Where a request ended, as far as signing in is concerned."""

    PAGE = "page"  # the page itself (or a redirect that is not to a login page)
    LOGIN = "login"  # the login page: never audited, measured or scanned as if it were the page
    NEEDS_REVIEW = "needs_review"  # a redirect to a form with several password fields: maybe a login page


def path_of(url: str) -> str:
    """The path of a URL or of a bare path, "/" when empty."""
    return urlsplit(url).path or "/"


def count_password_fields(html: str) -> int:
    """How many password inputs an HTML document has (from its source, for clients without a browser)."""
    return len(_PASSWORD_INPUT.findall(html))


def classify_landing(requested: str, final: str, login_url: str, password_fields: int | None) -> Landing:
    """Where a request for `requested` that ended on `final` landed.

    With `login_url` configured, only that path is the login page (a page asked for directly is itself). Without
    it, only a redirect to another path is suspect, judged by the number of password fields on the page reached
    (None when unknown: nothing can be said, so it is the page).
    """
    if path_of(requested) == path_of(final):
        return Landing.PAGE
    if login_url:
        return Landing.LOGIN if path_of(final) == path_of(login_url) else Landing.PAGE
    if not password_fields:
        return Landing.PAGE
    return Landing.LOGIN if password_fields == 1 else Landing.NEEDS_REVIEW


def landing_message(landing: Landing, final: str) -> str | None:
    """The one-line error for a request that did not end on its page, or None when it did."""
    if landing is Landing.LOGIN:
        return f"{REDIRECTED_TO_LOGIN} ({final}); not audited as the page (configure [auth] to sign in)"
    if landing is Landing.NEEDS_REVIEW:
        return (
            f"redirected to {final}, a form with several password fields (a sign-in page?); not audited as the "
            "page: set auth.login_url if it is the login page, or request it directly if it is not"
        )
    return None


async def landing_in_browser(page: Page, requested: str, login_url: str) -> str | None:
    """The error for a tab that asked for `requested` and ended on a login page, or None when it is the page.

    Password fields are counted only when that can decide anything: a redirect, and no `login_url` configured.
    """
    final = page.url
    fields: int | None = None
    if path_of(requested) != path_of(final) and not login_url:
        try:
            fields = int(await page.evaluate(PASSWORD_FIELDS_JS))
        except Exception:  # the page navigated again: unknown, so it is judged as the page
            fields = None
    return landing_message(classify_landing(requested, final, login_url, fields), final)


def redirected_request_problem(requested: str, final: str, login_url: str, text: str | None) -> str | None:
    """Why a request (no browser: a load test's) that ended on `final` did not get its page, or None.

    `text` is the body of the page reached; its password fields are counted only when that can decide anything.
    """
    if not final or path_of(final) == path_of(requested):
        return None
    fields = None if login_url else count_password_fields(text or "")
    landing = classify_landing(requested, final, login_url, fields)
    if landing is Landing.LOGIN:
        return REDIRECTED_TO_LOGIN
    if landing is Landing.NEEDS_REVIEW:
        return "redirected to a form with several password fields (a sign-in page?)"
    return None


def is_logout(url: str, patterns: Sequence[str]) -> bool:
    """Whether `url` (or a path) matches one of the shell-style logout path patterns."""
    path = path_of(url)
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)


def logout_regex(target_url: str, pattern: str) -> str:
    """A Java-compatible regex (for ZAP's exclusions) matching the target's URLs whose path matches `pattern`."""
    parts = urlsplit(target_url)
    path = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return f"^{re.escape(f'{parts.scheme}://{parts.netloc}')}{path}(\\?.*)?$"
