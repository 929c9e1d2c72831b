"""The history store: every run's verdict, checks, metrics and findings in a database, through SQLAlchemy.

SQLite in ``<out>/history.db`` by default; any database by URL (``history.url``), PostgreSQL in particular,
so that several CI runners share one history. Each run is written in one transaction, so two runs finishing at
once both land; a run judged again (``golive evaluate``) replaces its own rows and keeps its label and any
invalidation. The password of a URL is never printed: errors show the URL with it hidden. Connecting (the URL,
the engine, SQLite's write lock) is `harness.history_database`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from harness import history_schema as schema
from harness.history_database import HistoryError, database_engine, normalise_url, shown_url
from harness.run_record import CheckRecord, Coverage, FindingRecord, RunRecord, SuiteRecord, record_from_legacy

# HistoryError and shown_url live with the connection code and are part of this module's interface too.
__all__ = ["ANY_PROFILE", "LEGACY_FILE", "HistoryError", "HistoryStore", "ProfileFilter", "shown_url"]

LEGACY_FILE = "history.jsonl"


class _AnyProfile:
    def __repr__(self) -> str:
        return "ANY_PROFILE"


ANY_PROFILE: Final = _AnyProfile()
# A profile to filter runs by: a name, None for runs without a profile, or ANY_PROFILE.
ProfileFilter = str | _AnyProfile | None


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


class HistoryStore:
    """Runs recorded in a database; open it with `HistoryStore.open` (which migrates and imports); a `with`
    block closes it."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self._engine = database_engine(self.url)

    @classmethod
    def open(cls, url: str, legacy_dir: Path | None = None) -> HistoryStore:
        """Connect, create or migrate the schema, and import ``legacy_dir/history.jsonl`` once if it exists."""
        store = cls(url)
        try:
            with store._transaction() as connection:
                schema.migrate(connection)
            if legacy_dir is not None and (legacy_dir / LEGACY_FILE).is_file():
                store.import_legacy(legacy_dir / LEGACY_FILE)
        except BaseException:
            # The caller never gets a store to close when opening fails; its pool must not outlive the attempt.
            store.close()
            raise
        return store

    def close(self) -> None:
        """Release the connection pool."""
        self._engine.dispose()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One transaction; database errors become one-line HistoryErrors naming the URL (password hidden)."""
        try:
            with self._engine.begin() as connection:
                yield connection
        except SQLAlchemyError as error:
            raise HistoryError(f"history database {shown_url(self.url)} cannot be used: {_first_line(error)}") from None
        except schema.SchemaTooNew as error:
            raise HistoryError(f"history database {shown_url(self.url)}: {error}") from None

    # Writing

    def record(self, run: RunRecord) -> None:
        """Add the run, replacing an earlier record of the same run id (keeping its label and invalidation)."""
        with self._transaction() as connection:
            self._write(connection, run, replace_existing=True)

    def _write(self, connection: Connection, run: RunRecord, replace_existing: bool) -> bool:
        existing = connection.execute(select(schema.runs).where(schema.runs.c.run_id == run.run_id)).mappings().first()
        invalid: tuple[str | None, str | None] = (None, None)
        label = run.label
        if existing is not None:
            if not replace_existing:
                return False
            invalid = (existing["invalid_reason"], existing["invalidated_at"])
            label = label if label is not None else existing["label"]
            self._delete(connection, int(existing["id"]))
        values = {
            "run_id": run.run_id,
            "target": run.target,
            "profile": run.profile,
            "label": label,
            "verdict": run.verdict,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "interrupted": run.interrupted,
            "golive_version": run.golive_version,
            "config_hash": run.config_hash,
            "invalid_reason": invalid[0],
            "invalidated_at": invalid[1],
            "recorded_at": _now(),
            "evaluated_at": run.evaluated_at,
        }
        run_pk = connection.execute(insert(schema.runs).values(**values)).inserted_primary_key[0]  # type: ignore[index]
        self._write_suites(connection, int(run_pk), run.suites.values())
        return True

    @staticmethod
    def _delete(connection: Connection, run_pk: int) -> None:
        for table in schema.CHILD_TABLES:
            connection.execute(delete(table).where(table.c.run_pk == run_pk))
        connection.execute(delete(schema.runs).where(schema.runs.c.id == run_pk))

    @staticmethod
    def _write_suites(connection: Connection, run_pk: int, suites: Iterable[SuiteRecord]) -> None:
        suite_rows, check_rows, metric_rows, finding_rows = [], [], [], []
        for suite in suites:
            coverage = suite.coverage
            suite_rows.append(
                {
                    "run_pk": run_pk,
                    "suite": suite.name,
                    "status": suite.status,
                    "ran": suite.ran,
                    "error": suite.error,
                    "headline": json.dumps(list(suite.headline.items())),
                    "coverage_urls": None if coverage.urls is None else json.dumps(sorted(coverage.urls)),
                    "coverage_parts": json.dumps(sorted(coverage.parts)),
                    "scope_signature": coverage.signature,
                }
            )
            check_rows += [
                {"run_pk": run_pk, "suite": suite.name, "check_id": c.id, "status": c.status}
                | {"measured": c.measured, "message": c.message}
                for c in suite.checks
            ]
            metric_rows += [
                {"run_pk": run_pk, "suite": suite.name, "name": name, "value": float(value)}
                for name, value in suite.metrics.items()
            ]
            finding_rows += [
                {"run_pk": run_pk, "suite": suite.name, "fingerprint": f.fingerprint, "rule": f.rule}
                | {"severity": f.severity, "url": f.url, "title": f.title, "waived": f.waived, "source": f.source}
                for f in suite.findings.values()
            ]
        for table, rows in zip(schema.CHILD_TABLES, (suite_rows, check_rows, metric_rows, finding_rows), strict=True):
            if rows:
                connection.execute(insert(table), rows)

    def invalidate(self, run_id: str, reason: str) -> RunRecord:
        """Mark a run invalid (never a baseline, shown as such); raises HistoryError for an unknown run."""
        found = self.get(run_id)
        if found is None:
            raise HistoryError(f"no run {run_id!r} in the history")
        with self._transaction() as connection:
            connection.execute(
                update(schema.runs)
                .where(schema.runs.c.run_id == found.run_id)
                .values(invalid_reason=reason, invalidated_at=_now())
            )
        again = self.get(found.run_id)
        assert again is not None
        return again

    def import_legacy(self, path: Path) -> int:
        """Import the runs of an old ``history.jsonl`` not already recorded; once per content of the file."""
        content = path.read_bytes()
        key = f"imported:{LEGACY_FILE}:{hashlib.sha256(content).hexdigest()}"
        imported = 0
        with self._transaction() as connection:
            schema.lock(connection)  # two runs opening the store at once import the file once
            if connection.execute(select(schema.meta.c.key).where(schema.meta.c.key == key)).first() is not None:
                return 0
            for line in content.decode("utf-8", errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a damaged line must not lose the others
                if isinstance(entry, dict) and entry.get("run_id"):
                    imported += int(self._write(connection, record_from_legacy(entry), replace_existing=False))
            connection.execute(insert(schema.meta).values(key=key, value=_now()))
        return imported

    # Reading

    def runs(
        self,
        target: str | None = None,
        profile: str | _AnyProfile | None = ANY_PROFILE,
        limit: int | None = None,
        valid_only: bool = False,
        before: str | None = None,
    ) -> list[RunRecord]:
        """Recorded runs, oldest first: the latest `limit` of those matching every filter given."""
        table = schema.runs
        query = select(table).order_by(table.c.run_id.desc())
        if target is not None:
            query = query.where(table.c.target == target.rstrip("/"))
        if not isinstance(profile, _AnyProfile):
            query = query.where(table.c.profile.is_(None) if profile is None else table.c.profile == profile)
        if valid_only:
            query = query.where(table.c.invalid_reason.is_(None), table.c.interrupted.is_(False))
        if before is not None:
            query = query.where(table.c.run_id < before)
        if limit is not None:
            query = query.limit(limit)
        with self._transaction() as connection:
            rows = list(connection.execute(query).mappings())
            return list(reversed(self._records(connection, rows)))

    def targets(self, profile: str | _AnyProfile | None = ANY_PROFILE) -> list[str]:
        """The targets with recorded runs (of `profile`, if given), the most recently run first."""
        table = schema.runs
        latest = func.max(table.c.run_id)
        query = select(table.c.target, latest).group_by(table.c.target).order_by(latest.desc(), table.c.target)
        if not isinstance(profile, _AnyProfile):
            query = query.where(table.c.profile.is_(None) if profile is None else table.c.profile == profile)
        with self._transaction() as connection:
            return [str(row[0]) for row in connection.execute(query)]

    def get(self, run_id: str) -> RunRecord | None:
        """The run with this id, or the only run whose id starts with it; None if there is none."""
        table = schema.runs
        with self._transaction() as connection:
            rows = list(connection.execute(select(table).where(table.c.run_id == run_id)).mappings())
            if not rows:
                like = run_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                shown = 3
                query = (
                    select(table)
                    .where(table.c.run_id.like(like, escape="\\"))
                    .order_by(table.c.run_id)
                    .limit(shown + 1)
                )
                rows = list(connection.execute(query).mappings())
                if len(rows) > 1:
                    matches = ", ".join(str(row["run_id"]) for row in rows[:shown]) + (
                        ", ..." if len(rows) > shown else ""
                    )
                    raise HistoryError(f"run id {run_id!r} is ambiguous: {matches} all start with it; give more of it")
            records = self._records(connection, rows)
        return records[0] if records else None

    def previous(self, run: RunRecord) -> RunRecord | None:
        """The latest valid run of the same target and profile before `run`, if any."""
        earlier = self.runs(run.target, run.profile, limit=1, valid_only=True, before=run.run_id)
        return earlier[-1] if earlier else None

    @staticmethod
    def _records(connection: Connection, rows: Sequence[Any]) -> list[RunRecord]:
        if not rows:
            return []
        keys = [row["id"] for row in rows]
        # One query per table for all the runs, grouped by run and table in one pass.
        grouped: dict[Any, dict[str, list[Any]]] = {
            key: {table.name: [] for table in schema.CHILD_TABLES} for key in keys
        }
        for table in schema.CHILD_TABLES:
            for child in connection.execute(select(table).where(table.c.run_pk.in_(keys))).mappings():
                grouped[child["run_pk"]][table.name].append(child)
        return [_run_from_rows(row, grouped[row["id"]]) for row in rows]


def _run_from_rows(row: Any, mine: dict[str, list[Any]]) -> RunRecord:
    suites: dict[str, SuiteRecord] = {}
    for suite in mine[schema.suites.name]:
        name = suite["suite"]
        urls = suite["coverage_urls"]
        suites[name] = SuiteRecord(
            name=name,
            status=suite["status"],
            ran=bool(suite["ran"]),
            error=suite["error"],
            metrics={m["name"]: m["value"] for m in mine[schema.metrics.name] if m["suite"] == name},
            headline=dict(json.loads(suite["headline"])),
            checks=tuple(
                CheckRecord(c["check_id"], c["status"], c["message"], c["measured"])
                for c in sorted(mine[schema.checks.name], key=lambda c: c["id"])
                if c["suite"] == name
            ),
            findings={
                f["fingerprint"]: FindingRecord(
                    f["fingerprint"],
                    f["suite"],
                    f["rule"],
                    f["severity"],
                    f["url"],
                    f["title"],
                    bool(f["waived"]),
                    f["source"],
                )
                for f in mine[schema.findings.name]
                if f["suite"] == name
            },
            coverage=Coverage(
                urls=None if urls is None else frozenset(json.loads(urls)),
                parts=frozenset(json.loads(suite["coverage_parts"])),
                signature=suite["scope_signature"],
            ),
        )
    return RunRecord(
        run_id=row["run_id"],
        target=row["target"],
        verdict=row["verdict"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        profile=row["profile"],
        label=row["label"],
        interrupted=bool(row["interrupted"]),
        golive_version=row["golive_version"],
        config_hash=row["config_hash"],
        invalid_reason=row["invalid_reason"],
        suites=suites,
        evaluated_at=row["evaluated_at"],
    )
