"""A small web app built to be vulnerable, and its fixed twin, for scans by a real engine.

The vulnerable app has a reflected XSS (`/search?q=`, and `/api/search?q=` that no page links to), an error-based
SQL injection on SQLite (`/item?id=`) and an open redirect (`/go?next=`). The fixed twin serves the same pages with
the output escaped, the query parametrised and only local redirects. Both record every request they receive
(method, path with query, body, headers), so a test can prove what a scanner did or did not send.
"""

from __future__ import annotations

import html
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from tests.support import serving

HOME = (
    "<!DOCTYPE html><html lang='en'><head><title>Licences</title></head><body><h1>Licences</h1>"
    "<ul><li><a href='/search?q=trout'>Search</a></li><li><a href='/item?id=1'>Item 1</a></li>"
    "<li><a href='/go?next=/about'>About (via redirect)</a></li></ul></body></html>"
)
ABOUT = "<!DOCTYPE html><html lang='en'><head><title>About</title></head><body><h1>About</h1></body></html>"


@dataclass(frozen=True)
class Received:
    """One request the app received."""

    method: str
    path: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class AppLog:
    """Every request received, in order (written from the server's threads)."""

    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, received: Received) -> None:
        """Record one request."""
        with self.lock:
            self.requests.append(received)

    def all_text(self) -> str:
        """Every path, query and body received, one per line (to search for payloads)."""
        with self.lock:
            return "\n".join(f"{r.method} {r.path} {r.body}" for r in self.requests)


@dataclass(frozen=True)
class RunningApp:
    """A running app: its base URL and what it received."""

    url: str
    log: AppLog


def _database() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    connection.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
    connection.executemany("INSERT INTO items VALUES (?, ?)", [(1, "Rod licence"), (2, "Net licence")])
    return connection


def _page(title: str, body: str) -> str:
    return f"<!DOCTYPE html><html lang='en'><head><title>{title}</title></head><body>{body}</body></html>"


class _AppHandler(BaseHTTPRequestHandler):
    """The app's pages; `make_handler` sets which twin it is, its request log and its database."""

    protocol_version = "HTTP/1.1"
    vulnerable: bool = True
    log: AppLog
    database: sqlite3.Connection
    database_lock: threading.Lock

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        self.log.add(Received(self.command, self.path, body, dict(self.headers.items())))
        parts = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        if parts.path == "/":
            self._send(200, HOME)
        elif parts.path == "/about":
            self._send(200, ABOUT)
        elif parts.path in ("/search", "/api/search"):
            # /api/search is linked from nowhere: only an API definition leads a scanner to it.
            self._search(query.get("q", ""))
        elif parts.path == "/item":
            self._item(query.get("id", ""))
        elif parts.path == "/go":
            self._go(query.get("next", "/"))
        else:
            self._send(404, _page("Not found", "<h1>Not found</h1>"))

    do_GET = do_POST = do_HEAD = _answer

    def _search(self, term: str) -> None:
        shown = term if self.vulnerable else html.escape(term)
        self._send(200, _page("Search", f"<h1>Search</h1><p>Results for {shown}</p>"))

    def _item(self, item_id: str) -> None:
        try:
            with self.database_lock:
                if self.vulnerable:
                    rows = self.database.execute(f"SELECT name FROM items WHERE id = {item_id}").fetchall()
                else:
                    rows = self.database.execute("SELECT name FROM items WHERE id = ?", (item_id,)).fetchall()
        except sqlite3.Error as error:
            # A debug error page, as frameworks show in development: it names the database's error.
            message = html.escape(f"sqlite3.{type(error).__name__}: {error}")
            self._send(500, _page("Error", f"<h1>Server error</h1><pre>{message}</pre>"))
            return
        names = ", ".join(html.escape(str(row[0])) for row in rows) or "none"
        self._send(200, _page("Item", f"<h1>Item</h1><p>{names}</p>"))

    def _go(self, destination: str) -> None:
        if not self.vulnerable and (not destination.startswith("/") or destination.startswith("//")):
            destination = "/"
        self.send_response(302)
        # Percent-encoded as frameworks do, so the header stays ASCII whatever the parameter held.
        self.send_header("Location", quote(destination, safe=":/?&=#%;@+,"))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, text: str) -> None:
        payload = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


def make_handler(vulnerable: bool, log: AppLog) -> type[BaseHTTPRequestHandler]:
    """The request handler of the vulnerable app (`vulnerable=True`) or of its fixed twin."""
    attributes = {"vulnerable": vulnerable, "log": log, "database": _database(), "database_lock": threading.Lock()}
    return type("AppHandler", (_AppHandler,), attributes)


class _AppServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # Scanners drop connections mid-request; a client hanging up is not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def vulnerable_app(vulnerable: bool = True) -> Iterator[RunningApp]:
    """Serve the vulnerable app (or, with `vulnerable=False`, its fixed twin) on a free loopback port."""
    log = AppLog()
    with serving(_AppServer(("127.0.0.1", 0), make_handler(vulnerable, log))) as port:
        yield RunningApp(f"http://127.0.0.1:{port}", log)


def main() -> None:
    """Serve the app in the foreground (`python -m tests.security.vulnerable_app [--fixed]`), printing its URL."""
    import time

    with vulnerable_app("--fixed" not in sys.argv) as app:
        print(app.url, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
