"""Signing in through the real `golive run`: every suite on the session, a failed sign-in stopping the run in
seconds, a session lost mid-run, a login page never audited as the page, and no credential in any output."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.auth.app import ACCOUNT_TITLE, AUTH_CONFIG, LoginApp, running_app
from tests.security.zap_stub import STUB_KEY, ZapStubState, zap_stub
from tests.support import REPO_ROOT, run_golive

pytestmark = pytest.mark.integration
PASSWORD = "canary-Pw-8830-plover"
CONFIG = (
    AUTH_CONFIG
    + """

[performance]
paths = ["/account/", "/account/orders/", "/session/end/"]
users = 3
spawn_rate = 3
duration = "4s"

[accessibility]
pages = ["/account/"]
crawl = { max_pages = 5, max_depth = 2 }

[security.zap]
api_key = "${ZAP_API_KEY}"
launch = "never"
poll_interval = 0.02
"""
)


@pytest.fixture
def app() -> Iterator[tuple[LoginApp, str]]:
    with running_app(PASSWORD) as running:
        yield running


def _run(
    tmp_path: Path, url: str, zap_url: str, *options: str, password: str = PASSWORD, config: str = CONFIG
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "golive.toml"
    path.write_text(config, encoding="utf-8")
    private = _private_tmp(tmp_path)
    return run_golive(
        "run", "--target", url, "--config", str(path), "--out", str(tmp_path / "out"),
        "--set", f'security.zap.api_url="{zap_url}"', *options,
        cwd=REPO_ROOT, timeout=300,
        env={"APP_USER": "ada", "APP_PASSWORD": password, "ZAP_API_KEY": STUB_KEY, "TMPDIR": str(private)},
    )  # fmt: skip


def _private_tmp(tmp_path: Path) -> Path:
    """The run's own TMPDIR (see `private_tmp`)."""
    return Path((tmp_path / "tmpdir").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def private_tmp(tmp_path: Path) -> Iterator[Path]:
    """A TMPDIR for golive of its own, to see what it leaves there; short, for Chromium's socket paths."""
    folder = Path(tempfile.mkdtemp(prefix="golive-t-"))
    (tmp_path / "tmpdir").write_text(str(folder), encoding="utf-8")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _result(tmp_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((tmp_path / "out" / "latest" / "result.json").read_text(encoding="utf-8"))
    return data


def _everything_written(tmp_path: Path) -> bytes:
    return b"\n".join(path.read_bytes() for path in (tmp_path / "out").rglob("*") if path.is_file())


def test_every_suite_works_signed_in_and_no_secret_is_written(app: tuple[LoginApp, str], tmp_path: Path) -> None:
    login_app, url = app
    with zap_stub(ZapStubState(alerts=[])) as zap:
        done = _run(tmp_path, url, zap.url)
    console = done.stdout + done.stderr
    assert done.returncode in (0, 1), console
    result = _result(tmp_path)
    assert "[auth] signed in (4 steps in Chromium)" in done.stderr
    ran = list(result["suites"])  # every suite that runs by default, in the order they ran
    assert {"performance", "accessibility", "security"} <= set(ran)
    assert f"signed in (4 steps in Chromium); the session check passed after each suite ({', '.join(ran)})" in (
        done.stdout
    )
    # The accessibility audit saw the account page, not the login page, and crawled to the orders page.
    pages = result["suites"]["accessibility"]["details"]["by_page"]
    assert {page["final_url"] for page in pages} >= {f"{url}/account/", f"{url}/account/orders/"}
    assert all(page["status"] == "audited" for page in pages)
    assert login_app.signed_in_requests("/account/", agent="HeadlessChrome")
    # Every virtual user sent the session: no request of the load test was redirected to the login page.
    performance = result["suites"]["performance"]
    assert performance["metrics"]["requests"] > 0 and performance["metrics"]["failures"] == 0, performance
    assert len(login_app.signed_in_requests("/account/orders/")) >= performance["metrics"]["requests"] // 3
    # The hygiene checks carried the session; ZAP was given it as a replacer rule and kept off the sign-out link.
    assert login_app.signed_in_requests("/", agent="security hygiene")
    cookie_rules = [call for call in zap.state.params_of("replacer/action/addRule") if call["matchString"] == "Cookie"]
    assert cookie_rules and f"sessionid={login_app.issued[0]}" in cookie_rules[0]["replacement"]
    assert zap.state.excluded["spider"] == zap.state.excluded["ascan"]
    assert zap.state.excluded["spider"][0].endswith("/session/end/.*(\\?.*)?$")
    # Nothing requested the sign-out link: not the crawl (it is on the account page), not the load test.
    assert "/session/end/" not in login_app.paths()
    assert login_app.logins == 1 and login_app.failed_logins == 0
    # The session held after every suite, and the run folder says so by cookie names only.
    record = json.loads((tmp_path / "out" / "latest" / "auth.json").read_text(encoding="utf-8"))
    assert [check["after"] for check in record["checks"]] == ["sign-in", *ran]
    assert all(check["passed"] for check in record["checks"])
    assert record["sign_ins"][0]["cookies"] == ["csrftoken", "sessionid"]
    # The canary password and the session cookie are nowhere: not in the run folder, not on the console.
    written = _everything_written(tmp_path)
    for secret in (PASSWORD, login_app.issued[0]):
        assert secret.encode() not in written
        assert secret not in console
    # The storage state lived in a private folder outside the run folder, removed at the end.
    assert list(_private_tmp(tmp_path).glob("golive-session-*")) == []


def test_a_wrong_password_stops_the_run_before_any_suite_naming_the_step(
    app: tuple[LoginApp, str], tmp_path: Path
) -> None:
    login_app, url = app
    with zap_stub(ZapStubState(alerts=[])) as zap:
        done = _run(tmp_path, url, zap.url, password="wrong-canary-Pw-0077")
    assert done.returncode == 2, done.stdout + done.stderr
    result = _result(tmp_path)
    assert result["verdict"] == "INCONCLUSIVE"
    reason = result["reasons"][0]
    assert {"performance", "accessibility", "security"} <= set(reason["suites"])
    assert all(suite["status"] in ("error", "skipped") for suite in result["suites"].values())
    assert reason["message"].startswith(
        "could not sign in, so no suite ran: sign-in step 4 (click '#sign-in') left the browser on the login page "
        f"{url}/login/ titled 'Sign in (error)'"
    )
    assert "sign-in step 4" in done.stdout
    # No suite sent anything: the only requests were the browser's sign-in attempt.
    assert login_app.paths() <= {"/", "/login/", "/app.css", "/favicon.ico"} and zap.state.calls == []
    assert "wrong-canary-Pw-0077" not in done.stdout + done.stderr
    assert b"wrong-canary-Pw-0077" not in _everything_written(tmp_path)


@pytest.mark.parametrize(("lost", "status"), [("error", "error"), ("warn", "warn")])
def test_a_session_lost_during_a_suite_marks_it_and_signs_in_again(
    app: tuple[LoginApp, str], tmp_path: Path, lost: str, status: str
) -> None:
    login_app, url = app
    login_app.expire_on = {"/.env"}  # the hygiene checks ask for it: the session dies in the middle of the scan
    with zap_stub(ZapStubState(alerts=[])) as zap:
        done = _run(tmp_path, url, zap.url, "--suite", "security", "--set", f'auth.lost="{lost}"')
    result = _result(tmp_path)
    check = next(check for check in result["suites"]["security"]["checks"] if check["id"] == "auth.session")
    assert check["status"] == status
    assert check["message"] == "the session was lost during the security scan; results may cover logged-out pages"
    assert login_app.logins == 2  # signed in again once
    assert "the session was lost after security; golive signed in again" in done.stdout
    if lost == "error":
        assert done.returncode == 2 and result["verdict"] == "INCONCLUSIVE", done.stdout
        # Judging the saved artifacts again keeps the mark: they may still cover logged-out pages.
        again = run_golive("evaluate", str(tmp_path / "out" / "latest"), cwd=REPO_ROOT, timeout=120)
        assert again.returncode == 2, again.stdout + again.stderr
        assert "security: the session was lost during the security scan" in again.stdout
    else:
        assert result["verdict"] != "INCONCLUSIVE", done.stdout
    assert "security: the session was lost during the security scan" in done.stdout
    assert any(
        note == f"after the security scan, the session check found {url}/login/?next=/account/ (HTTP 200, titled "
        "'Sign in')"
        for note in result["suites"]["security"]["notes"]
    )


def test_without_auth_a_page_that_ends_on_a_login_form_is_an_error_not_an_audit(
    app: tuple[LoginApp, str], tmp_path: Path
) -> None:
    login_app, url = app
    config = '[accessibility]\npages = ["/", "/account/"]\n[performance]\npaths = ["/account/"]\nusers = 2\n'
    config += 'spawn_rate = 2\nduration = "3s"\n'
    with zap_stub() as zap:
        done = _run(tmp_path, url, zap.url, "--suite", "accessibility", "--suite", "performance", config=config)
    # Every load-test request failed (NOT_READY); the audit alone would be INCONCLUSIVE, never a clean pass.
    assert done.returncode == 1, done.stdout + done.stderr
    result = _result(tmp_path)
    assert result["suites"]["accessibility"]["status"] == "error"
    pages = {page["url"]: page for page in result["suites"]["accessibility"]["details"]["by_page"]}
    assert pages[f"{url}/"]["status"] == "audited"
    account = pages[f"{url}/account/"]
    assert account["status"] == "load_error"
    assert account["error"].startswith(f"redirected to the login page ({url}/login/?next=/account/)")
    assert account["ended_on"] == "/login/?next=/account/"
    # The load test counted every request that ended on the login form as a failed one, with that reason.
    errors = json.loads((tmp_path / "out" / "latest" / "artifacts" / "performance" / "locust_errors.json").read_text())
    assert any("redirected to the login page" in entry["error"] for entry in errors["errors"])
    performance = result["suites"]["performance"]["metrics"]
    assert performance["failures"] == performance["requests"] > 0
    assert not login_app.signed_in_requests("/account/") and ACCOUNT_TITLE


def test_wapiti_scans_signed_in_and_never_follows_the_sign_out_link(app: tuple[LoginApp, str], tmp_path: Path) -> None:
    login_app, url = app
    done = _run(
        tmp_path, url, "http://127.0.0.1:9", "--suite", "security",
        "--set", 'security.engine="wapiti"', "--set", "security.wapiti.max_scan_time=60",
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout + done.stderr
    # The orders page is linked only from the account page, which only a signed-in crawler sees (Wapiti sends a
    # browser-like user agent of its own: anything but golive's own clients and the sign-in's Chromium).
    crawled = [seen for seen in login_app.signed_in_requests("/account/orders/") if "golive" not in seen.user_agent]
    assert crawled and not any("HeadlessChrome" in seen.user_agent for seen in crawled)
    assert "/session/end/" not in login_app.paths()
    written = _everything_written(tmp_path)
    assert login_app.issued[0].encode() not in written and PASSWORD.encode() not in written
