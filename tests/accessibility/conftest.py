"""Fixtures shared by the accessibility tests."""

from __future__ import annotations

import pytest

from harness.config_loader import load_config
from harness.settings import GoliveConfig
from tests.accessibility.running import MakeConfig


@pytest.fixture(scope="module")
def make_module_config() -> MakeConfig:
    """The shared config builder, for module-scoped fixtures (one audit feeding a module's tests)."""

    def build(*overrides: str, target: str = "http://127.0.0.1:9") -> GoliveConfig:
        return load_config(None, None, list(overrides), target, environ={}).config

    return build
