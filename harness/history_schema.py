"""The history database's tables and the migrations that create and update them, in order.

golive owns its schema: each migration has a number, the applied numbers are kept in ``golive_schema``, and
opening a store applies the missing ones under a lock, so two runs starting at once migrate only once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    inspect,
    select,
    text,
)

metadata = MetaData()

schema_versions = Table(
    "golive_schema",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", String(32), nullable=False),
)

meta = Table(
    "golive_meta",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("value", Text, nullable=False),
)

runs = Table(
    "golive_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, unique=True),
    Column("target", Text, nullable=False),
    Column("profile", String(200)),
    Column("label", Text),
    Column("verdict", String(16), nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32), nullable=False),
    Column("interrupted", Boolean, nullable=False),
    Column("golive_version", String(32), nullable=False),
    Column("config_hash", String(32), nullable=False),
    Column("invalid_reason", Text),
    Column("invalidated_at", String(32)),
    Column("recorded_at", String(32), nullable=False),
    Column("evaluated_at", String(32)),  # set when `golive evaluate` judged the run again (schema 2)
    Index("ix_golive_runs_target_profile", "target", "profile"),
)


def _run_key() -> Column[int]:
    return Column("run_pk", Integer, ForeignKey("golive_runs.id", ondelete="CASCADE"), nullable=False, index=True)


suites = Table(
    "golive_suites",
    metadata,
    _run_key(),
    Column("suite", String(100), nullable=False),
    Column("status", String(16), nullable=False),
    Column("ran", Boolean, nullable=False),
    Column("error", Text),
    Column("headline", Text, nullable=False),  # JSON list of [metric or check id, column label]
    Column("coverage_urls", Text),  # JSON list, or NULL when the suite does not say
    Column("coverage_parts", Text, nullable=False),  # JSON list of the check ids that measured
    Column("scope_signature", String(32)),
)

checks = Table(
    "golive_checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _run_key(),
    Column("suite", String(100), nullable=False),
    Column("check_id", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("measured", Float),
    Column("message", Text, nullable=False),
)

metrics = Table(
    "golive_metrics",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _run_key(),
    Column("suite", String(100), nullable=False),
    Column("name", String(200), nullable=False),
    Column("value", Float, nullable=False),
)

findings = Table(
    "golive_findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _run_key(),
    Column("suite", String(100), nullable=False),
    Column("fingerprint", String(64), nullable=False, index=True),
    Column("rule", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("url", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("waived", Boolean, nullable=False),
    Column("source", String(100)),
)

CHILD_TABLES = (suites, checks, metrics, findings)


def _create_v1(connection: Connection) -> None:
    metadata.create_all(connection, tables=[meta, runs, *CHILD_TABLES], checkfirst=True)


def _add_evaluated_at(connection: Connection) -> None:
    # Step 1 creates the tables from today's definitions, so a new database already has the column; only a
    # database made by an older golive needs it added.
    if "evaluated_at" not in {column["name"] for column in inspect(connection).get_columns(runs.name)}:
        connection.execute(text(f"ALTER TABLE {runs.name} ADD COLUMN evaluated_at VARCHAR(32)"))


# Append only: a released migration never changes, a schema change is a new numbered step.
MIGRATIONS: tuple[tuple[int, Callable[[Connection], None]], ...] = ((1, _create_v1), (2, _add_evaluated_at))
LATEST_VERSION = MIGRATIONS[-1][0]
# Any constant: PostgreSQL's advisory lock key that serialises migrations between processes.
_MIGRATION_LOCK = 0x601_1FE


def lock(connection: Connection) -> None:
    """Serialise this transaction with other golive processes doing schema work or imports (PostgreSQL).

    SQLite needs nothing: golive begins every SQLite transaction with the write lock already taken.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})


class SchemaTooNew(Exception):
    """The database was written by a newer golive; its schema is not understood here."""


def migrate(connection: Connection) -> int:
    """Bring the schema to the latest version inside the caller's transaction; returns the version found.

    Raises SchemaTooNew when the database was written by a newer golive.
    """
    lock(connection)
    schema_versions.create(connection, checkfirst=True)
    applied = set(connection.execute(select(schema_versions.c.version)).scalars())
    found = max(applied, default=0)
    if found > LATEST_VERSION:
        raise SchemaTooNew(f"the history database has schema version {found}; this golive knows up to {LATEST_VERSION}")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for version, step in MIGRATIONS:
        if version not in applied:
            step(connection)
            connection.execute(insert(schema_versions).values(version=version, applied_at=now))
    return found
