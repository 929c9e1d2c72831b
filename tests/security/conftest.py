"""Fixtures for the security suite's tests."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest


@pytest.fixture(autouse=True)
def quiet_server_header(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local test servers stop announcing Python's version, so only each route's own headers are judged."""
    monkeypatch.setattr(BaseHTTPRequestHandler, "server_version", "")
    monkeypatch.setattr(BaseHTTPRequestHandler, "sys_version", "")
    yield
