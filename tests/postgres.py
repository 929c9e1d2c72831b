"""A throwaway PostgreSQL server for tests: initdb in a temporary folder, on a free loopback port, stopped after.

PostgreSQL refuses to run as root, so as root (CI) the server runs as an unprivileged user (`postgres` where
Debian's package created it, else `nobody`) through `runuser`, and its folder belongs to that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support import free_port

SUPERUSER = "golive"


def postgres_bin() -> Path:
    """The folder with initdb and pg_ctl: Debian's newest version, else whatever is on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found is None:
        raise RuntimeError("PostgreSQL is not installed (initdb not found); `make setup` installs it where apt exists")
    return Path(found).parent


def _as_server_user(folder: Path) -> list[str]:
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        os.chown(folder, user.pw_uid, user.pw_gid)
        return ["runuser", "-u", name, "--"]
    raise RuntimeError("no unprivileged user to run PostgreSQL as (tried postgres, nobody)")


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server; yield its base URL (``postgresql+psycopg://golive@127.0.0.1:PORT``); stop and delete it."""
    binaries = postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="golive-pg-"))
    as_user = _as_server_user(folder)
    data = folder / "data"
    port = free_port()
    options = f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    pg_ctl = [*as_user, str(binaries / "pg_ctl"), "-D", str(data)]
    try:
        subprocess.run(
            [*as_user, str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", SUPERUSER, "--no-sync"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [*pg_ctl, "-o", options, "-l", str(folder / "server.log"), "-w", "start"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def create_database(base_url: str, name: str) -> str:
    """Create database `name` on the server and return its URL."""
    import psycopg

    host_part = base_url.split("://", 1)[1]
    user, _, address = host_part.partition("@")
    host, _, port = address.partition(":")
    with psycopg.connect(host=host, port=int(port), user=user, dbname="postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base_url}/{name}"
