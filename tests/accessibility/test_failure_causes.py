"""Why a page could not be audited, said once, in words, where the reader looks: real Chromium, real servers.

A browser that does not start, an untrusted certificate, error statuses Chromium refuses, redirect loops and
connections closed or refused: each is one reason naming its cause (and the pages it stopped), never six, and
the verdict is INCONCLUSIVE, never READY.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from harness.models import Status
from harness.suite import GatherError
from tests.accessibility import pages
from tests.accessibility.running import MakeConfig, audit, chromium_missing
from tests.availability.servers import tls_site
from tests.support import REPO_ROOT, Route, RouteTable, free_port, run_golive, serve

pytestmark = pytest.mark.integration

if (reason := chromium_missing()) is not None:
    pytest.skip(f"needs Chromium: {reason}", allow_module_level=True)


def _hang_up(handler: BaseHTTPRequestHandler) -> Route:
    # The server closes the connection without a byte of answer (the test server ignores this error).
    raise ConnectionResetError("closed on purpose")


SITE: RouteTable = {
    "/": Route(pages.CLEAN),
    "/clean": Route(pages.CLEAN),
    "/gone": Route("", status=404),  # an empty body: Chromium refuses it with ERR_HTTP_RESPONSE_CODE_FAILURE
    "/missing": Route("<h1>Not here</h1>", status=404),  # a body: Chromium shows it, golive reads the status
    "/loop": Route("", status=302, headers={"Location": "/loop"}),
    "/hang-up": _hang_up,
}


def _cli(url: str, out: Path, *sets: str) -> tuple[int, str, dict[str, Any]]:
    args = [item for value in sets for item in ("--set", value)]
    done = run_golive("run", "--target", url, "--suite", "accessibility", *args, "--out", str(out), cwd=REPO_ROOT)
    result = json.loads((out / "latest" / "result.json").read_text())
    return done.returncode, done.stdout, result


def _reasons(stdout: str) -> list[str]:
    return [line.removeprefix("  - ") for line in stdout.splitlines() if line.startswith("  - ")]


def test_a_browser_that_cannot_start_is_one_reason_naming_browser_executable(tmp_path: Path) -> None:
    with serve(SITE) as site:
        code, stdout, result = _cli(
            site.url, tmp_path, "browser.executable=/nonexistent", 'accessibility.pages=["/", "/clean", "/gone"]'
        )
    assert (code, result["verdict"]) == (2, "INCONCLUSIVE")
    assert _reasons(stdout) == [
        "accessibility: Chromium could not start: /nonexistent does not exist — set browser.executable to a "
        "Chromium binary (error)"
    ]
    # The pages that were never reached are still listed, and nothing was measured as a pass.
    suite = result["suites"]["accessibility"]
    assert [page["status"] for page in suite["details"]["by_page"]] == ["not_audited"] * 3
    assert not any(check["status"] == "pass" for check in suite["checks"])


def test_an_untrusted_certificate_is_one_reason_for_every_page_with_what_to_do(tmp_path: Path) -> None:
    with tls_site(tmp_path, days_left=30) as site:
        code, stdout, result = _cli(site.url, tmp_path / "out", 'accessibility.pages=["/", "/a", "/b"]')
    assert (code, result["verdict"]) == (2, "INCONCLUSIVE")
    # The certificate is checked before Chromium starts: one reason, said before any page is tried.
    [said] = _reasons(stdout)
    assert said.startswith(f"accessibility: no page audited: the certificate of {site.url} is not trusted")
    assert "set target.ca_file to the CA's PEM file" in said and said.endswith("(error)")


def test_each_cause_is_named_once_with_its_pages(make_config: MakeConfig, tmp_path: Path) -> None:
    refused = f"http://127.0.0.1:{free_port()}"
    requested = ["/clean", "/gone", "/missing", "/loop", "/hang-up", f"{refused}/a", f"{refused}/b"]
    with serve(SITE) as site:
        result = audit(make_config, site.url, tmp_path, f"accessibility.pages={json.dumps(requested)}")
    check = result.check("pages_loaded")
    assert check.status is Status.ERROR
    assert check.message == (
        "6 of 7 pages could not be audited: the page answered HTTP 404 (/gone, /missing); the page redirects in "
        "a loop (too many redirects) (/loop); the server closed the connection without sending anything "
        f"(/hang-up); connection refused ({refused}/a, {refused}/b) — check that the service is running and "
        "listens on that port"
    )
    assert result.page("/gone")["http_status"] == 404
    assert "net::" not in " ".join(result.progress)
    # Some pages were audited: the suite has no error of its own, the check is the one reason.
    assert result.result.error is None


def test_when_no_page_loads_the_gather_error_names_the_causes(make_config: MakeConfig, tmp_path: Path) -> None:
    refused = f"http://127.0.0.1:{free_port()}/"
    with (
        serve(SITE) as site,
        pytest.raises(GatherError, match=r"^no page could be audited: the page answered HTTP 404 \(/gone\); conn"),
    ):
        audit(make_config, site.url, tmp_path, f'accessibility.pages=["/gone", "{refused}"]')
