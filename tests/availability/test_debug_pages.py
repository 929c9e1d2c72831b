"""The error-page detector on a known-good corpus (production error pages) and a known-bad set (debug pages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.exceptions import BadRequest, InternalServerError, MethodNotAllowed, NotFound

from suites.availability.debug_pages import SIGNATURES, Leak, detect

PAGES = Path(__file__).parent / "pages"


def _pages(kind: str) -> list[Path]:
    return sorted((PAGES / kind).iterdir())


@pytest.mark.parametrize("page", _pages("good"), ids=lambda path: path.name)
def test_production_error_pages_are_clean(page: Path) -> None:
    detection = detect(page.read_text(encoding="utf-8"))
    assert detection.leak is Leak.CLEAN, f"{page.name} matched {detection.signature}: {detection.snippet}"


@pytest.mark.parametrize("error", [NotFound(), BadRequest(), MethodNotAllowed(), InternalServerError()])
def test_werkzeug_production_error_bodies_are_clean(error: Exception) -> None:
    # The real bodies Flask sends in production, rendered by the installed Werkzeug.
    assert detect(error.get_body()).leak is Leak.CLEAN  # type: ignore[attr-defined]


@pytest.mark.parametrize("page", _pages("bad"), ids=lambda path: path.name)
def test_debug_pages_and_stack_traces_are_caught_by_their_own_signature(page: Path) -> None:
    expected = page.name.split("__")[0]
    detection = detect(page.read_text(encoding="utf-8"))
    assert detection.leak is Leak.DEBUG
    assert detection.signature == expected
    assert detection.snippet and len(detection.snippet) <= 240


@pytest.mark.parametrize("page", _pages("review"), ids=lambda path: path.name)
def test_default_framework_pages_without_a_trace_need_review(page: Path) -> None:
    detection = detect(page.read_text(encoding="utf-8"))
    assert detection.leak is Leak.REVIEW
    assert detection.signature == page.name.split("__")[0]


def test_every_signature_has_a_sample_in_the_known_bad_or_review_set() -> None:
    sampled = {path.name.split("__")[0] for kind in ("bad", "review") for path in _pages(kind)}
    assert {signature.id for signature in SIGNATURES} == sampled


def test_the_snippet_is_readable_text_around_the_match() -> None:
    detection = detect((PAGES / "bad" / "django-debug__technical-404.html").read_text(encoding="utf-8"))
    assert "DEBUG = True" in detection.snippet
    assert "<code>" not in detection.snippet
