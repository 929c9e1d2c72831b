"""The sign-in app of tests/auth, with two more pages that handle secrets the way real services do.

- ``/echo/``: reflects the request's Authorization and X-Api-Key headers and its cookies into the page, in text
  and in attribute values (a debug page, or an error page that prints the request), with an image that has no
  text alternative, so an accessibility audit finds a violation there and takes a screenshot of it.
- ``/status/?token=...``: a status page that answers 200 only with the right token in its query.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

from tests.auth.app import LoginApp, _handler, _page, _Server
from tests.support import serving

ECHO_TITLE = "Request details"


def echo_body(authorization: str, api_key: str, cookies: str) -> str:
    """The body of the echo page for these request values (a test renders it with the values masked, too)."""
    shown = html.escape(authorization, quote=True)
    return (
        f"<p>Authorization: <code id='authorization'>{html.escape(authorization)}</code></p>"
        f"<p>API key: <span title='{html.escape(api_key, quote=True)}'>{html.escape(api_key)}</span></p>"
        f"<p>Cookies: <code>{html.escape(cookies)}</code></p>"
        f"<form><p><label for='copy'>Copy</label> <input id='copy' value='{shown}'></p></form>"
        f"<p><img src='/app.css' width='20' height='20' data-request='{html.escape(cookies, quote=True)}'></p>"
    )


@contextmanager
def running_echo_app(password: str, status_token: str) -> Iterator[tuple[LoginApp, str]]:
    """Serve the sign-in app with the echo and status pages on a free loopback port; stop it afterwards."""
    app = LoginApp(password)
    base = _handler(app)

    class Handler(base):  # type: ignore[valid-type,misc]
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/echo/":
                self._record(parts.path)
                body = echo_body(
                    self.headers.get("Authorization", ""),
                    self.headers.get("X-Api-Key", ""),
                    self.headers.get("Cookie", ""),
                )
                self._send(200, _page(ECHO_TITLE, body))
            elif parts.path == "/status/":
                self._record(parts.path)
                good = parse_qs(parts.query).get("token") == [status_token]
                self._send(200 if good else 403, _page("Status", "<p>All systems go.</p>" if good else "<p>No.</p>"))
            else:
                super().do_GET()

        do_HEAD = do_GET

    with serving(_Server(("127.0.0.1", 0), Handler)) as port:
        yield app, f"http://127.0.0.1:{port}"
