"""URL-valued config fields that several suites share, validated once."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator


def _plain_http_url(value: str) -> str:
    if value and (urlsplit(value).scheme != "http" or not urlsplit(value).hostname):
        raise ValueError(f"expected an http:// URL such as http://staging.example.gov.uk/, got {value!r}")
    return value


# The plain-HTTP side of an https target (empty: not set), where a redirect to https:// is checked.
PlainHttpUrl = Annotated[str, AfterValidator(_plain_http_url)]
