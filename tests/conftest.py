"""Shared fixtures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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
