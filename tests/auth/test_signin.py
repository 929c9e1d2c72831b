"""Signing in with real Chromium against the local login app, and checking the session over HTTP."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.auth.check import run_check
from harness.auth.session import SessionKeeper
from harness.auth.settings import AuthCheck, AuthSettings
from harness.auth.signin import SignInFailed, session_from_state_file, sign_in_with_browser
from harness.config_loader import load_config
from harness.redaction import Redactor
from harness.target import Target
from tests.auth.app import ACCOUNT_TITLE, LoginApp, running_app

pytestmark = pytest.mark.integration
PASSWORD = "canary-Pw-5521-xyzzy"
CHECK = AuthCheck(url="/account/", expect_text=ACCOUNT_TITLE)


def settings(password: str = PASSWORD, username_field: str = "#username") -> AuthSettings:
    return AuthSettings.model_validate(
        {
            "login_url": "/login/",
            "steps": [
                {"goto": "/login/"},
                {"fill": username_field, "value": "ada"},
                {"fill": "#password", "value": password},
                {"click": "#sign-in"},
            ],
            "check": CHECK.model_dump(),
        }
    )


@pytest.fixture
def app() -> Iterator[tuple[LoginApp, Target]]:
    with running_app(PASSWORD) as (login_app, url):
        yield login_app, Target(url, login_url=f"{url}/login/")


def test_signing_in_keeps_the_session_cookie_and_a_private_storage_state(
    app: tuple[LoginApp, Target], tmp_path: Path
) -> None:
    login_app, target = app
    session = sign_in_with_browser(settings(), target, "", tmp_path / "state.json")
    assert login_app.logins == 1
    assert session.cookies["sessionid"] == login_app.issued[0]
    assert login_app.issued[0] in session.secret_values
    assert stat.S_IMODE((tmp_path / "state.json").stat().st_mode) == 0o600
    # The storage state holds the same session for a browser; read back, it gives the same cookies.
    assert session_from_state_file(session.storage_state, target).cookies == session.cookies
    outcome = run_check(CHECK, target.with_session(session.cookies, session.storage_state), 10)
    assert outcome.passed, outcome


def test_a_wrong_password_names_the_step_that_left_the_browser_on_the_login_page(
    app: tuple[LoginApp, Target], tmp_path: Path
) -> None:
    login_app, target = app
    with pytest.raises(SignInFailed) as raised:
        sign_in_with_browser(settings("not-the-password"), target, "", tmp_path / "state.json")
    message = str(raised.value)
    assert message.startswith("sign-in step 4 (click '#sign-in') left the browser on the login page")
    assert f"{target.url}/login/ titled 'Sign in (error)'" in message
    assert "not-the-password" not in message
    assert login_app.failed_logins == 1 and login_app.logins == 0


def test_a_step_whose_element_is_missing_is_named_with_the_page_it_was_on(
    app: tuple[LoginApp, Target], tmp_path: Path
) -> None:
    _, target = app
    quick = settings(username_field="#no-such-field").model_copy(update={"step_timeout": 1.0})
    with pytest.raises(SignInFailed) as raised:
        sign_in_with_browser(quick, target, "", tmp_path / "state.json")
    message = str(raised.value)
    assert message.startswith("sign-in step 2 (fill '#no-such-field') failed: Timeout 1000ms exceeded")
    assert message.endswith(f"the page showed {target.url}/login/ titled 'Sign in'")


def test_the_check_sees_the_login_page_once_the_session_is_gone(app: tuple[LoginApp, Target], tmp_path: Path) -> None:
    login_app, target = app
    session = sign_in_with_browser(settings(), target, "", tmp_path / "state.json")
    signed = target.with_session(session.cookies, session.storage_state)
    login_app.expire_all()
    outcome = run_check(CHECK, signed, 10)
    assert not outcome.passed
    assert outcome.problem == f"GET {target.url}/account/ was redirected to the login page"
    assert outcome.seen == f"{target.url}/login/?next=/account/ (HTTP 200, titled 'Sign in')"
    by_status = AuthSettings.model_validate(
        {"steps": [{"goto": "/login/"}], "check": {"url": "/account/", "expect_status": 200}}
    ).check
    assert by_status is not None
    refused = run_check(by_status, signed, 10)
    assert not refused.passed and refused.problem.endswith("answered HTTP 302, not 200")
    assert "redirecting to" in refused.seen


def test_the_keeper_masks_the_cookie_at_once_and_removes_its_private_folder(
    app: tuple[LoginApp, Target], tmp_path: Path
) -> None:
    login_app, target = app
    config = load_config(
        None,
        None,
        [
            'auth.steps=[{goto="/login/"},{fill="#username",value="${U}"},{fill="#password",value="${P}"},'
            '{click="#sign-in"}]',
            'auth.check={url="/account/",expect_text="Your account"}',
        ],
        target.url,
        environ={"U": "ada", "P": PASSWORD},
    ).config
    redactor = Redactor()
    said: list[str] = []
    keeper = SessionKeeper(config, redactor, said.append)
    signed = keeper.sign_in(Target.from_config(config))
    assert redactor.text(f"cookie {login_app.issued[0]}") == "cookie ***"
    assert signed.storage_state is not None
    folder = Path(signed.storage_state).parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert said[-1].startswith("signed in (4 steps in Chromium)")
    keeper.close()
    assert not folder.exists()
