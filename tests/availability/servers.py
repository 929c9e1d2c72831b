"""Local servers for the availability tests: a TLS site with a chosen certificate, and a Flask app in debug mode."""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trustme
from flask import Flask, request
from werkzeug.debug import DebuggedApplication
from werkzeug.serving import make_server

from tests.support import serving


@dataclass(frozen=True)
class TlsSite:
    """An https site on loopback, the CA that signed its certificate (as a PEM file), and when that expires."""

    url: str
    ca_file: Path
    not_after: dt.datetime


def _handler(hsts: str | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = b"<!DOCTYPE html><html lang='en'><title>OK</title><h1>Service is up</h1></html>"
            missing = self.path.startswith("/golive-missing")
            self.send_response(404 if missing else 200)
            if hsts:
                self.send_header("Strict-Transport-Security", hsts)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def tls_site(folder: Path, days_left: float, hsts: str | None = "max-age=31536000") -> Iterator[TlsSite]:
    """Serve https on 127.0.0.1 with a certificate (from a local CA) that expires in `days_left` days."""
    ca = trustme.CA()
    not_after = dt.datetime.now(dt.UTC) + dt.timedelta(days=days_left)
    leaf = ca.issue_cert("127.0.0.1", not_after=not_after)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(context)
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hsts))
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with serving(server) as port:
        yield TlsSite(f"https://127.0.0.1:{port}", ca_file, not_after)


def debug_flask_app() -> DebuggedApplication:
    """A Flask app with a real bug, run in debug mode: Werkzeug's debugger shows the traceback to anyone."""
    app = Flask("licensing")
    # As `flask run --debug` sets it: exceptions reach the debugger instead of a plain 500 page.
    app.debug = True

    @app.route("/", methods=["GET", "POST"])
    def start() -> str:
        # The bug: a query value that is not a number raises, and debug mode shows the traceback.
        page = int(request.args.get("golive", "1"))
        return f"<!DOCTYPE html><html lang='en'><title>Apply</title><h1>Apply, page {page}</h1></html>"

    return DebuggedApplication(app, evalex=False)


@contextmanager
def flask_debug_site() -> Iterator[str]:
    """Serve the debug-mode Flask app on a free loopback port."""
    server = make_server("127.0.0.1", 0, debug_flask_app(), threaded=True)
    with serving(server) as port:
        yield f"http://127.0.0.1:{port}"
