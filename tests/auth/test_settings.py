"""The `[auth]` section: what it accepts, what it refuses (literal credentials among them), and the session on
the Target and in the Redactor."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.auth.session import lost_message, mark_lost
from harness.config_loader import load_config
from harness.errors import ConfigError
from harness.models import Check, Status, SuiteResult
from harness.redaction import Redactor
from harness.target import Target
from tests.auth.app import AUTH_CONFIG

STEPS = AUTH_CONFIG
ENV = {"APP_USER": "ada", "APP_PASSWORD": "canary-secret-42"}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "golive.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_sign_in_from_the_environment_is_loaded_and_its_values_are_secrets(tmp_path: Path) -> None:
    loaded = load_config(_write(tmp_path, STEPS), target="http://127.0.0.1:8000", environ=ENV)
    auth = loaded.config.auth
    assert auth.configured and auth.login_page == "/login/" and len(auth.steps) == 4
    assert "canary-secret-42" in loaded.secrets
    target = Target.from_config(loaded.config)
    assert target.login_url == "http://127.0.0.1:8000/login/"
    assert target.is_logout("http://127.0.0.1:8000/session/end/") and not target.is_logout("/account/")


def test_a_literal_password_in_the_file_is_refused_naming_the_key(tmp_path: Path) -> None:
    text = STEPS.replace("${APP_PASSWORD}", "hunter2-literal")
    with pytest.raises(ConfigError) as raised:
        load_config(_write(tmp_path, text), target="http://127.0.0.1:8000", environ=ENV)
    message = str(raised.value)
    assert "auth.steps[2].value" in message and "${APP_PASSWORD}" in message
    assert "hunter2-literal" not in message


def test_a_literal_value_given_with_set_is_refused_too() -> None:
    override = 'auth.steps=[{goto="/login/"},{fill="#password",value="typed-in"}]'
    with pytest.raises(ConfigError, match=r"--set: auth.steps\[1\].value"):
        load_config(None, None, [override], "http://127.0.0.1:8000", environ={})


@pytest.mark.parametrize(
    ("auth", "expected"),
    [
        ('steps = [{ goto = "/login/" }]', "needs a check"),
        ('check = { url = "/a/", expect_text = "x" }', "needs steps"),
        ('steps = [{ click = "#go" }]\ncheck = { url = "/a/", expect_status = 200 }', "first step must be a goto"),
        ('steps = [{ goto = "/l/" }]\ncheck = { url = "/a/" }', "expect_text or expect_status"),
        (
            'storage_state = "s.json"\nsteps = [{ goto = "/l/" }]\ncheck = { url = "/a/", expect_status = 200 }',
            "not both",
        ),
        ('logout = ["logout"]', "starting with /"),
        ('lost = "ignore"', "auth.lost"),
    ],
)
def test_a_sign_in_that_cannot_work_is_refused(tmp_path: Path, auth: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_config(_write(tmp_path, f"[auth]\n{auth}\n"), target="http://127.0.0.1:8000", environ={})


def test_no_auth_section_means_no_sign_in(make_config: object) -> None:
    config = make_config()  # type: ignore[operator]
    assert not config.auth.configured
    assert Target.from_config(config).login_url == ""


def test_the_session_travels_with_every_request_after_the_configured_cookies() -> None:
    target = Target("http://127.0.0.1:8000", headers={"X-Env": "staging"}, cookies={"consent": "yes"})
    signed = target.with_session({"sessionid": "abc123"}, "/private/state.json")
    assert signed.request_headers() == {"X-Env": "staging", "Cookie": "consent=yes; sessionid=abc123"}
    assert signed.storage_state == "/private/state.json"
    assert target.request_headers()["Cookie"] == "consent=yes"  # the target without the session is unchanged


def test_a_redactor_masks_a_secret_learnt_after_it_was_made() -> None:
    redactor = Redactor(["from-the-config"])
    redactor.add(["session-cookie-value"])
    text = redactor.text("from-the-config and session-cookie-value and \\u0073")
    assert text == "*** and *** and \\u0073"


def test_a_lost_session_is_an_error_by_default_and_a_warning_when_relaxed() -> None:
    result = SuiteResult("security", checks=(Check("x", Status.PASS, "fine"),))
    marked = mark_lost(result, "the security scan", "error")
    assert marked.status is Status.ERROR
    assert marked.checks[-1].message == lost_message("the security scan")
    assert lost_message("the security scan") == (
        "the session was lost during the security scan; results may cover logged-out pages"
    )
    assert mark_lost(result, "the security scan", "warn").status is Status.WARN
