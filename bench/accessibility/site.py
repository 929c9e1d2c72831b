"""The benchmark's site: 30 generated pages of a plausible public service, served on 127.0.0.1.

Each page has a header with navigation, a breadcrumb, headings, text, a table or a form, and a footer, so axe
has a realistic amount of DOM to check. Known problems are sprinkled in (an image without alt text, pale text,
an unlabelled field, a fixed-width box, a control taken out of the Tab order) so the tools have violations to
agree or disagree on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE_COUNT = 30
_TEXT = (
    "Apply online to renew your licence. You will need your current licence number, a recent photo and a way to "
    "pay. It takes about 15 minutes. Your new licence will arrive within 10 working days. "
)


# Links in lists get room around them, as a real design would give them (axe's target-size rule checks this).
_STYLE = "li a { display: inline-block; padding: 12px 4px; } button { padding: 10px 16px; }"


def _nav() -> str:
    links = "".join(f"<li><a href='/page/{n}'>Section {n}</a></li>" for n in range(1, 16))
    return f"<nav aria-label='Main'><ul>{links}</ul></nav>"


def _table(number: int) -> str:
    rows = "".join(
        f"<tr><th scope='row'>Item {row}</th><td>{row * number} GBP</td><td>{row + 3} days</td></tr>"
        for row in range(1, 9)
    )
    return (
        "<table><caption>Fees and waiting times</caption><thead><tr><th scope='col'>Item</th>"
        f"<th scope='col'>Fee</th><th scope='col'>Time</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _form(number: int, unlabelled: bool) -> str:
    fields = "".join(
        f"<div><label for='f{number}-{field}'>Field {field}</label><input id='f{number}-{field}' name='f{field}'></div>"
        for field in range(1, 5)
    )
    stray = "<div><input name='extra' placeholder='Reference'></div>" if unlabelled else ""
    return f"<form action='/page/{number}' method='get'>{fields}{stray}<button>Continue</button></form>"


def page(number: int) -> str:
    """Page `number` (1-based) of the site."""
    problems = []
    if number % 3 == 0:
        problems.append("<img src='/logo.png' width='40' height='40'>")
    if number % 5 == 0:
        problems.append("<p style='color:#aaa'>Last updated recently</p>")
    if number % 4 == 0:
        problems.append("<div style='width:700px'>Opening hours: Monday to Friday, 9am to 5pm</div>")
    if number % 6 == 0:
        problems.append("<button type='button' tabindex='-1'>Print this page</button>")
    body = "".join(f"<h2>Part {part}</h2><p>{_TEXT * 3}</p>" for part in range(1, 5))
    extra = _table(number) if number % 2 else _form(number, unlabelled=number % 7 == 0)
    footer = "".join(f"<li><a href='/page/{n}#help'>Help {n}</a></li>" for n in range(1, 11))
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Page {number} - Service</title>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{_STYLE}</style></head><body>"
        f"<header><a href='#main'>Skip to main content</a><p>Licence service</p>{_nav()}</header>"
        f"<main id='main'><nav aria-label='Breadcrumb'><ol><li><a href='/'>Home</a></li>"
        f"<li>Page {number}</li></ol></nav><h1>Page {number}</h1>{''.join(problems)}{body}{extra}</main>"
        f"<footer><ul>{footer}</ul><p>Crown copyright</p></footer></body></html>"
    )


PAGES = {f"/page/{number}": page(number) for number in range(1, PAGE_COUNT + 1)}


NOT_FOUND = b"<!DOCTYPE html><html lang='en'><title>Not found</title><h1>Not found</h1>"
HTML = "text/html; charset=utf-8"


@contextmanager
def serve_files(files: Mapping[str, tuple[str, bytes]]) -> Iterator[str]:
    """Serve `files` (path -> content type, body; changeable while serving) on a free loopback port.

    Yields the base URL and stops the server afterwards.
    """

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            kind, data = files.get(self.path.split("?", 1)[0].split("#", 1)[0]) or (HTML, NOT_FOUND)
            self.send_response(200 if data is not NOT_FOUND else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def serve_site() -> Iterator[str]:
    """Serve the pages on a free loopback port; yields the base URL and stops the server afterwards."""
    with serve_files({path: (HTML, body.encode()) for path, body in PAGES.items()}) as url:
        yield url
