"""A history database password from `${VAR}` is in nothing golive writes or prints, nor in the database itself
(real PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy

from tests.postgres import SUPERUSER, create_database, postgres_server
from tests.secrets.canary import leaking_files, leaks_in
from tests.support import REPO_ROOT, Route, run_golive, serve

pytestmark = pytest.mark.integration
DB_PASSWORD = "cnry-DbPw-4471"
PAGE = "<!DOCTYPE html><html lang='en'><head><title>Home</title></head><body><main><h1>Home</h1></main></body></html>"


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with postgres_server() as base:
        yield create_database(base, "history")


def test_the_history_database_password_is_nowhere(database: str, tmp_path: Path) -> None:
    # The server trusts local connections, so any password is accepted: the URL still carries one through golive.
    url_with_password = database.replace(f"//{SUPERUSER}@", f"//{SUPERUSER}:${{DB_PASSWORD}}@")
    config = tmp_path / "golive.toml"
    config.write_text(f'[history]\nurl = "{url_with_password}"\n', encoding="utf-8")
    out = tmp_path / "out"
    env = {"DB_PASSWORD": DB_PASSWORD}
    options = ["--suite", "availability", "--set", "availability.requests=2", "--set", 'availability.window="1s"']
    with serve({"/": Route(PAGE)}) as local:
        command = ["run", "--target", local.url, "--config", str(config), "--out", str(out), *options]
        runs = [run_golive(*command, cwd=REPO_ROOT, timeout=120, env=env) for _ in range(2)]
    listed = run_golive("history", "--config", str(config), "--out", str(out), "--json", cwd=REPO_ROOT, env=env)
    assert all(done.returncode == 0 for done in [*runs, listed]), [done.stderr for done in [*runs, listed]]
    assert len(json.loads(listed.stdout)) == 2  # both runs were recorded in PostgreSQL
    console = "".join(done.stdout + done.stderr for done in [*runs, listed])
    assert leaks_in(console.encode(), [DB_PASSWORD]) == []
    assert leaking_files(out, [DB_PASSWORD]) == {}
    engine = sqlalchemy.create_engine(database)
    try:
        with engine.connect() as connection:
            tables = sqlalchemy.inspect(connection).get_table_names()
            rows = [
                repr(row) for table in tables for row in connection.execute(sqlalchemy.text(f'SELECT * FROM "{table}"'))
            ]
    finally:
        engine.dispose()
    assert rows and leaks_in("\n".join(rows).encode(), [DB_PASSWORD]) == []
