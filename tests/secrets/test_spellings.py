"""The Redactor masks a secret in every spelling a writer may give it, and leaves everything else alone."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus, urlencode

import pytest

from harness.redaction import MASK, Redactor
from tests.secrets.canary import leaks_in

SECRET = 'cnry-Pw/9+&"q7 x'


@pytest.mark.parametrize("prefix", ["", "a", "ab", "ada:", "user:"])
def test_a_secret_inside_base64_data_is_masked_whatever_its_alignment(prefix: str) -> None:
    header = "Authorization: Basic " + base64.b64encode(f"{prefix}{SECRET}".encode()).decode()
    masked = Redactor([SECRET]).text(header)
    assert MASK in masked and leaks_in(masked.encode(), [SECRET]) == []
    urlsafe = base64.urlsafe_b64encode(f"{prefix}{SECRET}!".encode()).decode()
    assert leaks_in(Redactor([SECRET]).text(urlsafe).encode(), [SECRET]) == []


def test_url_encoded_and_escaped_spellings_are_masked() -> None:
    redactor = Redactor([SECRET])
    written = "\n".join(
        [
            urlencode({"username": "ada", "password": SECRET}),
            f"/status/?token={quote(SECRET)}",
            f"next={quote_plus(SECRET)}",
            json.dumps({"password": SECRET}),
            "<input value='cnry-Pw/9+&amp;&quot;q7 x'>",
        ]
    )
    masked = redactor.text(written)
    assert leaks_in(masked.encode(), [SECRET]) == [], masked
    assert masked.startswith("username=ada&password=***")


def test_ordinary_text_and_short_secrets_are_left_alone() -> None:
    # A short secret is never looked for in base64 data, where a few letters can turn up by chance.
    image = base64.b64encode(bytes(range(256)) * 4).decode()
    redactor = Redactor(["abc", "hunter22"[:7], "/"])
    assert redactor.text(image) == image
    assert redactor.text("GET /account/ 200 in 12 ms") == "GET /account/ 200 in 12 ms"


def test_values_are_the_secrets_themselves_longest_first() -> None:
    redactor = Redactor(["abc", "token-1234"])
    redactor.add(["session-cookie-value"])
    assert redactor.values == ("session-cookie-value", "token-1234")
