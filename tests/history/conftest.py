"""Fixtures of the history tests: the same tests run against SQLite and a real PostgreSQL server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres import create_database, postgres_server

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_base_url() -> Iterator[str]:
    """One throwaway PostgreSQL server for the whole session (a fresh database per test)."""
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL for an empty history: SQLite in the test's folder, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    base: str = request.getfixturevalue("postgres_base_url")
    return create_database(base, f"history_{next(_databases)}")
