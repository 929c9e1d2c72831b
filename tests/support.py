"""Test support: real HTTP servers on 127.0.0.1 and a way to run the real `golive` command."""

from __future__ import annotations

import os
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Route:
    """What the server answers for one path."""

    body: bytes | str = b""
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0


RouteTable = Mapping[str, Route | Callable[[BaseHTTPRequestHandler], Route]]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512

    def handle_error(self, request: object, client_address: object) -> None:
        # Load tests drop connections at the end; a client hanging up is not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@dataclass
class LocalServer:
    """A running server: its base URL and the paths it was asked for (to prove what was or was not requested)."""

    url: str
    requests: list[tuple[str, str]]


@contextmanager
def serve(routes: RouteTable, *, default: Route | None = None) -> Iterator[LocalServer]:
    """Serve `routes` on a free loopback port in a background thread; stop it afterwards."""
    seen: list[tuple[str, str]] = []
    fallback = default or Route("<!DOCTYPE html><html lang='en'><title>Not found</title><h1>Not found</h1>", 404)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        request_body = b""

        def _answer(self) -> None:
            path = self.path.split("?", 1)[0]
            seen.append((self.command, self.path))
            length = int(self.headers.get("Content-Length") or 0)
            # Kept for route functions that need what was posted.
            self.request_body = self.rfile.read(length) if length else b""
            entry = routes.get(path, fallback)
            route = entry(self) if callable(entry) else entry
            if route.delay:
                time.sleep(route.delay)
            body = route.body.encode() if isinstance(route.body, str) else route.body
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(_QuietServer(("127.0.0.1", 0), Handler)) as port:
        yield LocalServer(f"http://127.0.0.1:{port}", seen)


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[int]:
    """Run `server` in a background thread and yield its port; shut it down and close it afterwards."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])  # type: ignore[index]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run_golive(
    *args: str, cwd: Path, timeout: float = 300, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `golive` command (as a user would) and capture what it prints."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for 'unreachable' tests)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def install_plugin(site: Path, source: Path, module: str, entry_points: Mapping[str, str]) -> dict[str, str]:
    """Install `source` as module `module` of a distribution in `site` (a dist-info with `entry_points`,
    group → "name = module:Class" lines); returns the environment that puts it on the path."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(source.read_text())
    info = site / f"{module}-0.1.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("".join(f"[{group}]\n{line}\n" for group, line in entry_points.items()))
    path = os.pathsep.join(filter(None, [str(site), str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]))
    return {"PYTHONPATH": path}


def session_processes(session: int) -> list[int]:
    """The live processes of a session (a process started with start_new_session=True leads its own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name: state, ppid, pgrp, session; zombies are already gone as processes.
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(entry.name))
    return found
