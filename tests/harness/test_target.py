"""The target every suite tests: what its requests carry, and where load may go."""

from __future__ import annotations

from harness.suite import Target


def test_target_request_headers_fold_cookies_into_one_cookie_header() -> None:
    target = Target("http://127.0.0.1:1", {"Authorization": "Bearer x", "Cookie": "a=1"}, {"session": "abc", "b": "2"})
    assert target.request_headers() == {"Authorization": "Bearer x", "Cookie": "a=1; session=abc; b=2"}
    assert Target("http://127.0.0.1:1").request_headers() == {}


def test_load_is_allowed_on_loopback_and_listed_hosts_only() -> None:
    assert Target("http://127.0.0.1:8000").allows_load()
    assert Target("http://localhost:8000").allows_load()
    assert not Target("https://staging.example.gov.uk").allows_load()
    assert Target("https://Staging.example.gov.uk", allowed_hosts=("staging.example.gov.uk",)).allows_load()
