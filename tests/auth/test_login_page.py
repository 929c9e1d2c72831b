"""Recognising a login page reached by a redirect: a corpus of real-looking login forms, pages that are not
login pages, and the forms that cannot be told apart (needs review)."""

from __future__ import annotations

import re

import pytest

from harness.auth.login_page import (
    Landing,
    classify_landing,
    count_password_fields,
    is_logout,
    landing_message,
    logout_regex,
)

# Known login pages, as their sites serve them (trimmed to the form).
LOGIN_PAGES = {
    "django admin": (
        '<form action="/admin/login/?next=/admin/" method="post" id="login-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="x">'
        '<input type="text" name="username" autofocus required id="id_username">'
        '<input type="password" name="password" autocomplete="current-password" required id="id_password">'
        '<input type="submit" value="Log in"></form>'
    ),
    "wordpress": (
        '<form name="loginform" id="loginform" action="/wp-login.php" method="post">'
        '<input type="text" name="log" id="user_login" class="input" size="20">'
        "<input type=password name=pwd id=user_pass class='input password-input' size=20>"
        '<input type="submit" name="wp-submit" id="wp-submit" value="Log In"></form>'
    ),
    "govuk design system": (
        '<form method="post" novalidate><div class="govuk-form-group">'
        '<input class="govuk-input" id="email" name="email" type="email" autocomplete="email"></div>'
        '<input class="govuk-input govuk-password-input__input" id="password" name="password" TYPE="Password">'
        '<button type="submit" class="govuk-button" data-module="govuk-button">Sign in</button></form>'
    ),
    "single quotes and spacing": "<input name='pass' type = 'password' >",
}
# Redirect targets that are not login pages.
NOT_LOGIN_PAGES = {
    "a plain page": "<main><h1>Your basket</h1><p>Enter your password on the next page.</p></main>",
    "a field named password that is not one": '<input type="text" name="password" id="password">',
    "a password type in a script": "<script>const type = 'password';</script><p>No form</p>",
    "a hidden input with password in its value": '<input type="hidden" name="field" value="password">',
}
# Several password fields: a sign-up or change-password form, or a login with a confirmation; cannot tell.
AMBIGUOUS_PAGES = {
    "sign-up": '<input type="email" name="email"><input type="password" name="p1"><input type="password" name="p2">',
    "change password": (
        '<input type="password" name="old"><input type="password" name="new"><input type="password" name="again">'
    ),
}


@pytest.mark.parametrize("name", sorted(LOGIN_PAGES))
def test_a_redirect_to_a_login_form_is_the_login_page(name: str) -> None:
    fields = count_password_fields(LOGIN_PAGES[name])
    assert fields == 1
    assert classify_landing("https://s.example/account/", "https://s.example/signin", "", fields) is Landing.LOGIN


@pytest.mark.parametrize("name", sorted(NOT_LOGIN_PAGES))
def test_a_redirect_to_a_page_without_a_password_field_is_not_a_login_page(name: str) -> None:
    fields = count_password_fields(NOT_LOGIN_PAGES[name])
    assert fields == 0
    assert classify_landing("https://s.example/basket", "https://s.example/basket/", "", fields) is Landing.PAGE


@pytest.mark.parametrize("name", sorted(AMBIGUOUS_PAGES))
def test_a_redirect_to_a_form_with_several_password_fields_needs_review(name: str) -> None:
    fields = count_password_fields(AMBIGUOUS_PAGES[name])
    assert fields >= 2
    landing = classify_landing("https://s.example/account", "https://s.example/register", "", fields)
    assert landing is Landing.NEEDS_REVIEW
    message = landing_message(landing, "https://s.example/register")
    assert message is not None and "auth.login_url" in message


def test_a_login_form_asked_for_directly_is_the_page_itself() -> None:
    fields = count_password_fields(LOGIN_PAGES["django admin"])
    assert classify_landing("https://s.example/login/", "https://s.example/login/?next=/", "", fields) is Landing.PAGE


def test_with_a_login_url_only_that_path_is_the_login_page() -> None:
    login = "https://s.example/admin/login/"
    ended = "https://s.example/admin/login/?next=/admin/"
    assert classify_landing("https://s.example/admin/", ended, login, None) is Landing.LOGIN
    # Another redirect, even to a page with a password field, is shown beside the page, not taken for the login.
    assert classify_landing("https://s.example/old", "https://s.example/new", login, 1) is Landing.PAGE
    message = landing_message(Landing.LOGIN, ended)
    assert message is not None and message.startswith("redirected to the login page")


def test_unknown_password_fields_decide_nothing() -> None:
    assert classify_landing("https://s.example/a", "https://s.example/b", "", None) is Landing.PAGE
    assert landing_message(Landing.PAGE, "https://s.example/b") is None


def test_logout_patterns_match_paths_of_urls_and_paths() -> None:
    patterns = ["/admin/logout/*", "*/sign-out"]
    assert is_logout("https://s.example/admin/logout/", patterns)
    assert is_logout("/admin/logout/?next=/", patterns)
    assert is_logout("https://s.example/en/sign-out", patterns)
    assert not is_logout("https://s.example/admin/", patterns)
    assert not is_logout("https://s.example/admin/logout", patterns)  # the pattern asks for the slash
    assert not is_logout("https://s.example/admin/logout/", [])


def test_the_zap_regex_matches_the_targets_logout_urls_only() -> None:
    regex = re.compile(logout_regex("http://127.0.0.1:8000", "/session/end/*"))
    assert regex.match("http://127.0.0.1:8000/session/end/")
    assert regex.match("http://127.0.0.1:8000/session/end/now?next=/")
    assert not regex.match("http://127.0.0.1:8000/session/")
    assert not regex.match("http://127.0.0.1:8001/session/end/")  # another site
    assert not regex.match("http://127.0.0.1:8000/x/session/end/")
    dotted = re.compile(logout_regex("https://s.example", "/logout.php"))
    assert dotted.match("https://s.example/logout.php") and not dotted.match("https://s.example/logoutXphp")
