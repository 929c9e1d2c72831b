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

        def _answer(self) -> None:
            path = self.path.split("?", 1)[0]
            seen.append((self.command, self.path))
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
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
