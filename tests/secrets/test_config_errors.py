"""A config error quotes the bad value back, unless that value is a secret."""

from __future__ import annotations

import pytest

from harness.config_loader import load_config
from harness.errors import ConfigError

CANARY = "cnry-Env-9999"


@pytest.mark.parametrize(
    ("option", "key"),
    [
        ('performance.users="${CANARY}"', "performance.users"),  # a ${VAR} value in the wrong place
        ("security.zap.api_key=12345678", "security.zap.api_key"),  # a key written as a number
        ("target.cookies.session=12345678", "target.cookies.session"),
    ],
)
def test_a_secret_is_never_quoted_in_a_config_error(option: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(overrides=[option], target="http://127.0.0.1:9", environ={"CANARY": CANARY})
    message = str(caught.value)
    assert CANARY not in message and "12345678" not in message
    assert f"{key}: " in message and "(got " in message


def test_an_ordinary_bad_value_is_still_quoted() -> None:
    with pytest.raises(ConfigError, match=r"performance\.users: .*\(got 'many'\)"):
        load_config(overrides=['performance.users="many"'], target="http://127.0.0.1:9", environ={})
