"""The `[history]` section: defaults, validation, and a database password that never leaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config_loader import ConfigError, load_config


def _load(*overrides: str, environ: dict[str, str] | None = None) -> object:
    return load_config(None, None, list(overrides), "http://127.0.0.1:9", environ=environ or {})


def test_defaults_put_sqlite_beside_the_runs() -> None:
    history = load_config(None, None, [], "http://127.0.0.1:9", environ={}).config.history
    assert (history.url, history.label, history.baseline.runs, history.baseline.min_runs) == ("", "", 5, 3)
    assert history.database_url(Path("reports")) == "sqlite:///reports/history.db"


def test_min_runs_above_runs_is_refused_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"history\.baseline.*min_runs \(6\) must not be above runs \(5\)"):
        _load("history.baseline={runs=5, min_runs=6}")


def test_a_database_password_is_a_secret_written_literally_or_from_the_environment() -> None:
    literal = load_config(
        None,
        None,
        ['history.url="postgresql://golive:pw-literal-123@db.internal/golive"'],
        "http://127.0.0.1:9",
        environ={},
    )
    assert "pw-literal-123" in literal.secrets
    from_env = load_config(
        None,
        None,
        ['history.url="postgresql://golive:${DB_PASSWORD}@db.internal/golive"'],
        "http://127.0.0.1:9",
        environ={"DB_PASSWORD": "pw-from-env-456"},
    )
    assert "pw-from-env-456" in from_env.secrets
