"""The pieces the suites use from a signed-in target, without a server: which cookies a host gets, what the load
test leaves out and counts as failed, and which suites a saved run lost its session in."""

from __future__ import annotations

import io
import json
from pathlib import Path

from harness.auth.login_page import redirected_request_problem
from harness.auth.session import lost_during
from harness.auth.signin import cookies_for
from harness.config_loader import load_config
from harness.console import Console
from harness.events import SuiteProgressed
from harness.redaction import Redactor
from harness.target import Target
from suites.performance import protocol
from suites.performance.gather import locust_environment, logout_requests, scenarios_json
from suites.performance.settings import PerformanceSettings

LOGIN_FORM = "<form><input name='u'><input type='password' name='p'></form>"


def test_a_host_gets_its_own_cookies_and_its_parent_domains_only() -> None:
    cookies = [
        {"name": "sessionid", "value": "a", "domain": "app.example.org"},
        {"name": "sso", "value": "b", "domain": ".example.org"},
        {"name": "other", "value": "c", "domain": "elsewhere.example"},
        {"name": "lookalike", "value": "d", "domain": "pp.example.org"},
    ]
    assert cookies_for("app.example.org", cookies) == {"sessionid": "a", "sso": "b"}
    assert cookies_for("127.0.0.1", [{"name": "s", "value": "v", "domain": "127.0.0.1"}]) == {"s": "v"}


def test_a_load_test_response_that_ended_on_the_login_page_is_a_failure() -> None:
    host = "http://127.0.0.1:8000"
    login = f"{host}/login/"
    ended = f"{host}/login/?next=/account/"
    assert redirected_request_problem(f"{host}/account/", ended, login, None) == "redirected to the login page"
    # No [auth]: the page reached must show a password field; a plain redirect is not a failure.
    assert redirected_request_problem(f"{host}/account/", ended, "", LOGIN_FORM) == "redirected to the login page"
    assert redirected_request_problem(f"{host}/basket", f"{host}/basket/", "", "<p>ok</p>") is None
    assert redirected_request_problem(f"{host}/account/", f"{host}/account/", "", LOGIN_FORM) is None
    several = LOGIN_FORM + "<input type=password name=again>"
    problem = redirected_request_problem(f"{host}/account/", f"{host}/register/", "", several)
    assert problem is not None and "several password fields" in problem


def _settings(*overrides: str) -> PerformanceSettings:
    config = load_config(None, None, list(overrides), "http://127.0.0.1:8000", environ={}).config
    return config.section("performance", PerformanceSettings)


def test_the_load_test_never_requests_a_sign_out_link(tmp_path: Path) -> None:
    target = Target("http://127.0.0.1:8000", logout=("/session/end/*",), login_url="http://127.0.0.1:8000/login/")
    settings = _settings('performance.paths=["/account/", "/session/end/"]')
    assert logout_requests(settings, target) == ["/session/end/"]
    env = locust_environment(settings, target, tmp_path)
    assert json.loads(env[protocol.ENV_PATHS]) == ["/account/"]
    assert env[protocol.ENV_LOGIN_URL] == "http://127.0.0.1:8000/login/"
    scenarios = _settings('performance.scenarios=[{path="/account/"}, {path="/session/end/now", method="POST"}]')
    kept = json.loads(scenarios_json(scenarios, target) or "[]")
    assert [scenario["path"] for scenario in kept] == ["/account/"]


def test_the_session_cookies_reach_every_virtual_user(tmp_path: Path) -> None:
    target = Target("http://127.0.0.1:8000").with_session({"sessionid": "s3cr3t-value"}, None)
    env = locust_environment(_settings('performance.paths=["/account/"]'), target, tmp_path)
    assert json.loads(env[protocol.ENV_HEADERS]) == {"Cookie": "sessionid=s3cr3t-value"}


def test_a_saved_run_says_which_suites_lost_the_session() -> None:
    record = {
        "checks": [
            {"after": "sign-in", "passed": True, "seen": "a"},
            {"after": "performance", "passed": True, "seen": "b"},
            {"after": "security", "passed": False, "seen": "http://h/login/ (HTTP 200, titled 'Sign in')"},
            {"after": "sign-in", "passed": True, "seen": "c"},
        ]
    }
    assert lost_during(record) == {"security": "http://h/login/ (HTTP 200, titled 'Sign in')"}
    assert lost_during({}) == {}


def test_the_login_page_is_the_first_goto_when_login_url_is_not_given() -> None:
    config = load_config(
        None,
        None,
        ['auth.steps=[{goto="/signin"}]', 'auth.check={url="/me",expect_status=200}'],
        "http://127.0.0.1:8000",
        environ={},
    ).config
    assert Target.from_config(config).login_url == "http://127.0.0.1:8000/signin"


def test_the_console_masks_a_secret_learnt_after_it_started() -> None:
    redactor = Redactor()
    progress = io.StringIO()
    console = Console(progress=progress, verdict=io.StringIO(), redactor=redactor)
    redactor.add(["session-cookie-1234"])
    console.handle(SuiteProgressed("auth", "Cookie: sessionid=session-cookie-1234"))
    assert progress.getvalue() == "[auth] Cookie: sessionid=***\n"
