"""Chromium's net::ERR_ codes in words, and failed pages grouped by cause. No browser, no network."""

from __future__ import annotations

import pytest

from suites.accessibility.artifacts import PageRecord, PageStatus
from suites.accessibility.causes import NOT_REACHED, chromium_did_not_start, grouped_causes
from suites.accessibility.net_errors import explain, explain_code

BASE = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("net::ERR_CONNECTION_REFUSED at http://127.0.0.1:8000/a", "connection refused"),
        ("net::ERR_NAME_NOT_RESOLVED at http://staging.invalid/", "the host name does not resolve"),
        ("net::ERR_TIMED_OUT at http://127.0.0.1:8000/", "the request timed out"),
        ("net::ERR_TOO_MANY_REDIRECTS at http://127.0.0.1:8000/loop", "the page redirects in a loop"),
        ("net::ERR_EMPTY_RESPONSE at http://127.0.0.1:8000/", "the server closed the connection without sending"),
        ("net::ERR_ABORTED at http://127.0.0.1:8000/file.pdf", "the navigation was cancelled"),
        ("net::ERR_CERT_AUTHORITY_INVALID at https://127.0.0.1/", "the TLS certificate is not trusted"),
        ("net::ERR_CERT_DATE_INVALID at https://127.0.0.1/", "the TLS certificate has expired"),
        ("net::ERR_CERT_COMMON_NAME_INVALID at https://127.0.0.1/", "the TLS certificate is not for this host"),
    ],
)
def test_known_codes_are_put_into_words_without_the_url(message: str, words: str) -> None:
    explained = explain(message)
    assert explained.text.startswith(words)
    assert "net::" not in explained.text and " at http" not in explained.text


def test_an_error_status_chromium_refused_names_the_recorded_status() -> None:
    message = "net::ERR_HTTP_RESPONSE_CODE_FAILURE at http://127.0.0.1:8000/gone"
    assert explain(message, 404).text == "the page answered HTTP 404"
    assert explain(message, None).text == "the page answered with an HTTP error status"


def test_certificate_errors_keep_their_code_and_say_what_to_do() -> None:
    explained = explain("net::ERR_CERT_AUTHORITY_INVALID at https://127.0.0.1:8443/")
    assert explained.text == "the TLS certificate is not trusted (ERR_CERT_AUTHORITY_INVALID)"
    assert "target.ca_file" in explained.hint
    # A certificate code the table does not list is still a certificate problem, with its code.
    other = explain_code("ERR_CERT_REVOKED")
    assert other is not None and other.text == "the TLS certificate was refused (ERR_CERT_REVOKED)"


def test_unknown_codes_and_plain_text_are_kept_as_they_are() -> None:
    assert explain_code("ERR_SOMETHING_NEW") is None
    assert explain("net::ERR_SOMETHING_NEW at http://127.0.0.1:8000/").text == "net::ERR_SOMETHING_NEW"
    assert explain("did not load within 30s") == explain("did not load within 30s")
    assert explain("did not load within 30s").text == "did not load within 30s"


def test_explaining_twice_changes_nothing_and_a_code_inside_a_sentence_is_replaced() -> None:
    once = explain("step 1 (goto '/apply') failed: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:8000/apply")
    assert once.text == "step 1 (goto '/apply') failed: connection refused"
    assert explain(once.text).text == once.text


def _failed(path: str, error: str, status: int | None = None) -> PageRecord:
    return PageRecord(f"{BASE}{path}", path, PageStatus.LOAD_ERROR, http_status=status, error=error)


def test_pages_that_failed_for_one_cause_are_named_together_with_one_hint() -> None:
    records = [_failed(path, f"net::ERR_CONNECTION_REFUSED at {BASE}{path}") for path in ("/a", "/b", "/c")]
    said = grouped_causes(records, BASE)
    assert said.startswith("connection refused (/a, /b, /c) — ")
    assert said.count("connection refused") == 1 and said.count(" — ") == 1


def test_an_error_status_is_one_cause_whether_chromium_or_golive_refused_the_page() -> None:
    records = [
        _failed("/empty", f"net::ERR_HTTP_RESPONSE_CODE_FAILURE at {BASE}/empty", 404),
        _failed("/with-body", "the page answered HTTP 404", 404),
        _failed("/down", "the page answered HTTP 500", 500),
    ]
    assert grouped_causes(records, BASE) == (
        "the page answered HTTP 404 (/empty, /with-body); the page answered HTTP 500 (/down)"
    )


def test_pages_the_run_never_reached_are_one_group_and_long_lists_are_cut() -> None:
    records = [PageRecord(f"{BASE}/p{n}", f"/p{n}", PageStatus.NOT_AUDITED, error="x") for n in range(7)]
    assert grouped_causes(records, BASE) == f"{NOT_REACHED} (/p0, /p1, /p2, /p3, /p4, +2 more)"


def test_slow_pages_say_which_setting_helps() -> None:
    said = grouped_causes([_failed("/slow", "did not load within 2s")], BASE)
    assert said == "did not load within 2s (/slow) — raise accessibility.page_timeout if the pages are only slow"


def test_a_browser_that_does_not_start_names_browser_executable(tmp_path: object) -> None:
    error = RuntimeError("browser.executable '/nonexistent' is not an executable file")
    assert chromium_did_not_start("/nonexistent", error) == (
        "Chromium could not start: /nonexistent does not exist — set browser.executable to a Chromium binary"
    )
    assert chromium_did_not_start("/etc", error).startswith("Chromium could not start: /etc is not an executable")
    assert chromium_did_not_start("", RuntimeError("no Chromium found; install it")) == (
        "Chromium could not start: no Chromium found; install it"
    )
