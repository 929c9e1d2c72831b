"""Connecting to the history database: its URL as golive accepts and prints it, and an engine per backend.

SQLite takes its write lock up front (BEGIN IMMEDIATE), so two runs finishing at once queue instead of failing,
and waits for it in short tries that a Ctrl-C can interrupt. PostgreSQL gives up connecting after a while, so a
database that does not answer cannot hang a nightly job.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import NullPool

# SQLite waits this long for another writer before giving up; a run's write takes milliseconds.
_SQLITE_BUSY_SECONDS = 60
# ...in tries of this long: SQLite waits for a lock inside C, where Python takes no signal, so a second Ctrl-C
# while another writer holds the history would otherwise wait out the whole minute.
_SQLITE_TRY_SECONDS = 1.0
_SQLITE_PAUSE_SECONDS = 0.05
_CONNECT_TIMEOUT_SECONDS = 15


class HistoryError(Exception):
    """The history database cannot be used; the message is one line without any password."""


def normalise_url(url: str) -> str:
    """The URL as SQLAlchemy should read it."""
    # "postgresql://" alone means psycopg2 to SQLAlchemy; golive ships psycopg 3.
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def shown_url(url: str) -> str:
    """The URL as it may be printed: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


def _locked(error: sqlite3.OperationalError) -> bool:
    """Another connection holds the lock (SQLITE_BUSY): worth another try."""
    return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY or "locked" in str(error)


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": _SQLITE_TRY_SECONDS})

    @event.listens_for(engine, "connect")
    def _manual_transactions(dbapi_connection: Any, record: Any) -> None:
        # pysqlite would start transactions itself, too late to take the write lock; golive begins them.
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Connection) -> None:
        # Take the write lock up front: two writers queue here instead of failing on upgrade.
        driver = connection.connection.driver_connection
        deadline = time.monotonic() + _SQLITE_BUSY_SECONDS
        while driver is not None and time.monotonic() < deadline:
            try:
                driver.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not _locked(error):
                    break
            time.sleep(_SQLITE_PAUSE_SECONDS)
        # The last try goes through SQLAlchemy, so that its failure is the same error as any other statement's.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def database_engine(url: str) -> Engine:
    """An engine for the history URL (normalised here); HistoryError, without the password, when it cannot be."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise HistoryError(
            "history.url is not a database URL; expected e.g. sqlite:///reports/history.db or "
            "postgresql+psycopg://user@host/db"
        ) from None
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                folder = Path(parsed.database).parent
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    raise HistoryError(
                        f"history database folder {folder} cannot be created: {error.strerror}"
                    ) from None
            return _sqlite_engine(url)
        # A database that does not answer must not hang a nightly job: give up after a while, with the reason.
        connect_args = (
            {"connect_timeout": _CONNECT_TIMEOUT_SECONDS} if parsed.get_backend_name() == "postgresql" else {}
        )
        return create_engine(url, poolclass=NullPool, connect_args=connect_args)
    except (NoSuchModuleError, ImportError) as error:
        raise HistoryError(f"history.url {shown_url(url)}: no database driver for it ({error})") from None
