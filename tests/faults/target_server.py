"""A misbehaving target for fault tests: stalls mid-body, redirect loops, huge pages, malformed HTML, a crawl
trap, and a switch that makes it refuse and come back."""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support import serving

PAGE = b"<!DOCTYPE html><html lang='en'><head><title>ok</title></head><body><main><h1>ok</h1></main></body></html>"
MALFORMED = b"<html><title>broken<body><div><p>unclosed <b>tags <table><tr><td>cell</html><<>>&&"
BIG_BYTES = 50 * 1024 * 1024


@dataclass
class Misbehaving:
    """The running server's URL; set `down` to make every request fail with a reset, until it is cleared."""

    url: str
    down: threading.Event = field(default_factory=threading.Event)
    hits: list[str] = field(default_factory=list)


@contextmanager
def misbehaving_server() -> Iterator[Misbehaving]:
    """Serve the misbehaving routes on a free loopback port; stop it afterwards."""
    state = Misbehaving("")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in {"Content-Type": "text/html; charset=utf-8", **(headers or {})}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            state.hits.append(path)
            if state.down.is_set() and path != "/":
                self.close_connection = True
                self.connection.close()
                return
            if path == "/stall":
                self.send_response(200)
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(b"<html>")
                self.wfile.flush()
                time.sleep(30)
            elif path.startswith("/loop"):
                self._send(302, b"", {"Location": "/loop-b" if path == "/loop-a" else "/loop-a"})
            elif path == "/big":
                self._send(200, PAGE[:-14] + b"x" * BIG_BYTES + PAGE[-14:])
            elif path == "/malformed":
                self._send(200, MALFORMED)
            elif path.startswith("/trap"):
                # Every page links to two more pages that never existed before: a crawl that follows links forever.
                depth = path.count("/")
                links = "".join(f'<a href="{path}/{n}">more {n}</a>' for n in (1, 2))
                self._send(
                    200,
                    f"<!DOCTYPE html><html lang='en'><title>trap {depth}</title><main>{links}</main></html>".encode(),
                )
            else:
                self._send(200, PAGE)

        do_HEAD = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass

    server: socketserver.BaseServer = Server(("127.0.0.1", 0), Handler)
    with serving(server) as port:
        state.url = f"http://127.0.0.1:{port}"
        yield state
