"""Shared fixtures."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.config_loader import load_config
from harness.settings import GoliveConfig


@pytest.fixture
def make_config() -> object:
    """Build a validated config from `--set` style overrides on top of the embedded defaults."""

    def build(*overrides: str, target: str = "http://127.0.0.1:9") -> GoliveConfig:
        return load_config(None, None, list(overrides), target, environ={}).config

    return build


@pytest.fixture
def today() -> dt.date:
    """A fixed 'today' so waiver expiry is deterministic."""
    return dt.date(2026, 11, 26)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """A fresh output folder for a run."""
    return tmp_path / "reports"


@pytest.fixture(autouse=True)
def unmarked_tests_start_nothing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A test not marked `integration` may start no server and no process, so `make check` stays fast.

    The fast lane relies on the marker being right; this makes a missing marker fail loudly instead.
    """
    if request.node.get_closest_marker("integration") is None:

        def refuse(*args: Any, **kwargs: Any) -> None:
            raise AssertionError(
                f"{request.node.nodeid} starts a server or a process: mark it @pytest.mark.integration"
            )

        monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
        monkeypatch.setattr(socket.socket, "bind", refuse)
        monkeypatch.setattr(socket.socket, "listen", refuse)
    yield
