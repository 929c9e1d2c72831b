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


def _trap_page(path_and_query: str) -> bytes:
    """A crawl trap: /trap/N links to /trap/N+1 and to query variants of itself (?page=K+1, ?sort=...), so a
    crawler that follows links never runs out of new URLs."""
    path, _, query = path_and_query.partition("?")
    depth = int(path.rsplit("/", 1)[-1]) if path.rsplit("/", 1)[-1].isdigit() else 0
    page = int(query.split("page=", 1)[1].split("&", 1)[0]) if "page=" in query else 0
    links = [f"/trap/{depth + 1}", f"/trap/{depth}?page={page + 1}", f"/trap/{depth}?page={page}&sort=d{depth}p{page}"]
    anchors = "".join(f'<a href="{link}">more {n}</a> ' for n, link in enumerate(links))
    title = f"trap {depth} page {page}"
    body = f"<main><h1>{title}</h1>{anchors}</main>"
    return f"<!DOCTYPE html><html lang='en'><title>{title}</title>{body}</html>".encode()


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
                self._send(200, _trap_page(self.path))
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
