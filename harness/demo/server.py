"""The demo web service. Run as `python -m harness.demo.server`; it binds to loopback only.

Its problems are deliberate, so that `golive demo` shows a newcomer what a NOT_READY verdict looks like:
an image without alt text, a form field without a label, a slow endpoint, no Content-Security-Policy, and a
search page that reflects its query unescaped (a reflected XSS, for a real scanner to find). The service binds to
127.0.0.1 only, so nothing but this machine can reach the vulnerable page.
"""

from __future__ import annotations

import argparse
import base64
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SLOW_SECONDS = 1.2
# A fixed port keeps the demo's target URL the same from run to run, so each report can show what changed.
PREFERRED_PORT = 8421

# A 1x1 transparent PNG, so the page's <img> loads.
_PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

_LAYOUT = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - Apply for a fishing licence</title></head>
<body>
<header><p><a href="/">Apply for a fishing licence</a></p></header>
<main>
{body}
</main>
<footer><p>Demo service bundled with golive.</p></footer>
</body>
</html>
"""

PAGES = {
    "/": (
        "Home",
        """<h1>Apply for a fishing licence</h1>
<img src="/logo.png" width="120" height="40">
<p>Use this service to apply for a rod fishing licence.</p>
<p><a href="/start">Start now</a></p>
<p><a href="/search?q=trout">Find a licence</a></p>""",
    ),
    "/start": (
        "Your details",
        """<h1>Your details</h1>
<form method="post" action="/start">
<input type="text" name="full-name">
<button type="submit">Continue</button>
</form>""",
    ),
    "/slow": ("Search results", "<h1>Search results</h1><p>No licences found.</p>"),
}


class DemoHandler(BaseHTTPRequestHandler):
    """Serves the demo pages; deliberately sends no Content-Security-Policy header."""

    server_version = "DemoServer/1.0"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/logo.png":
            self._send(200, _PIXEL, "image/png")
            return
        if path == "/search":
            self._search()
            return
        if path not in PAGES:
            self._send(404, _LAYOUT.format(title="Page not found", body="<h1>Page not found</h1>").encode())
            return
        if path == "/slow":
            time.sleep(SLOW_SECONDS)  # the deliberately slow endpoint
        title, body = PAGES[path]
        self._send(200, _LAYOUT.format(title=title, body=body).encode())

    def _search(self) -> None:
        """The deliberate reflected XSS: the query is written into the page without escaping."""
        query = parse_qs(urlsplit(self.path).query).get("q", [""])[0]
        body = f"<h1>Find a licence</h1><p>No licences match {query}.</p>"
        self._send(200, _LAYOUT.format(title="Find a licence", body=body).encode())

    def do_HEAD(self) -> None:
        self._send(200, b"", "text/html; charset=utf-8")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(303)
        self.send_header("Location", "/start")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: a load test would print thousands of lines."""


class DemoServer(ThreadingHTTPServer):
    """A threading server whose worker threads never keep the process alive."""

    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        """Load tests drop connections at the end; a client hanging up is not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def main() -> None:
    """Bind to 127.0.0.1 (the preferred port, else a free one), print the URL on stdout, serve until stopped."""
    parser = argparse.ArgumentParser(description="golive's demo service (loopback only)")
    parser.add_argument("--port", type=int, default=PREFERRED_PORT, help="0 picks any free port")
    args = parser.parse_args()
    try:
        server = DemoServer(("127.0.0.1", args.port), DemoHandler)
    except OSError:
        # The usual port is taken: any free one will do, at the cost of the run-to-run comparison.
        server = DemoServer(("127.0.0.1", 0), DemoHandler)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
