"""A small service with a real form login, served on 127.0.0.1 for the sign-in tests.

- ``/login/``: a form with a CSRF token (a cookie and a hidden field that must match), username and password;
  a good POST sets an HttpOnly ``sessionid`` cookie and redirects to ``next`` (or ``/account/``), a bad one shows
  the form again with an error.
- ``/account/`` and ``/account/orders/``: only for a signed-in user; anyone else is redirected to the login page.
- ``/session/end/``: the sign-out link (deliberately not named "logout": only `auth.logout` can keep a crawl off it).
- ``/``: a public home page linking to the account and to the sign-out link.

The test can expire every session (`expire_all`), or name paths whose request expires them all (`expire_on`), to
lose the session in the middle of a suite. Every request is recorded with whether it carried a live session.
"""

from __future__ import annotations

import html
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.support import serving

USERNAME = "ada"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
ACCOUNT_TITLE = "Your account"
# Links and buttons big enough to hit (WCAG 2.2 target size), so the pages audit clean.
STYLE = "a, button { display: inline-block; min-height: 44px; min-width: 44px; padding: 8px; }"
# The [auth] section that signs in to this app with ${APP_USER} and ${APP_PASSWORD}.
AUTH_CONFIG = """
[auth]
login_url = "/login/"
steps = [
  { goto = "/login/" },
  { fill = "#username", value = "${APP_USER}" },
  { fill = "#password", value = "${APP_PASSWORD}" },
  { click = "#sign-in" },
]
check = { url = "/account/", expect_text = "Your account" }
logout = ["/session/end/*"]
"""
HOME_LINKS = "<ul><li><a href='/account/'>Your account</a></li><li><a href='/session/end/'>Sign out</a></li></ul>"


@dataclass(frozen=True)
class Seen:
    """One request the app answered."""

    method: str
    path: str
    signed_in: bool
    user_agent: str


@dataclass
class LoginApp:
    """The app's state: its one user, the live sessions, and what it was asked."""

    password: str
    sessions: set[str] = field(default_factory=set)
    # Every session id ever handed out, to look for in what golive wrote.
    issued: list[str] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    expire_on: set[str] = field(default_factory=set)
    logins: int = 0
    failed_logins: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def expire_all(self) -> None:
        """End every session, as a server restart or an idle timeout would."""
        with self.lock:
            self.sessions.clear()

    def signed_in_requests(self, path: str, agent: str = "") -> list[Seen]:
        """Requests for `path` that carried a live session (from a user agent containing `agent`)."""
        return [s for s in self.seen if s.path == path and s.signed_in and agent.lower() in s.user_agent.lower()]

    def paths(self) -> set[str]:
        """Every path requested."""
        return {s.path for s in self.seen}


def _page(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "<link rel='stylesheet' href='/app.css'></head>"
        f"<body><header><p>Example service</p></header><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )


def _login_form(token: str, next_path: str, error: str = "") -> str:
    problem = f"<div role='alert'><h2>There is a problem</h2><p>{html.escape(error)}</p></div>" if error else ""
    return _page(
        "Sign in" + (" (error)" if error else ""),
        f"{problem}<form method='post' action='/login/'>"
        f"<input type='hidden' name='csrf_token' value='{token}'>"
        f"<input type='hidden' name='next' value='{html.escape(next_path, quote=True)}'>"
        "<p><label for='username'>Username</label> <input id='username' name='username' autocomplete='username'></p>"
        "<p><label for='password'>Password</label> "
        "<input id='password' name='password' type='password' autocomplete='current-password'></p>"
        "<p><button type='submit' id='sign-in'>Sign in</button></p></form>",
    )


def _handler(app: LoginApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "example"
        sys_version = ""

        def _cookies(self) -> dict[str, str]:
            jar = SimpleCookie()
            try:
                jar.load(self.headers.get("Cookie") or "")
            except Exception:
                return {}
            return {name: morsel.value for name, morsel in jar.items()}

        def _session(self) -> str | None:
            session = self._cookies().get("sessionid")
            with app.lock:
                return session if session in app.sessions else None

        def _send(self, status: int, body: str = "", headers: dict[str, str] | None = None, raw: str = "") -> None:
            data = (body or raw).encode()
            self.send_response(status)
            for name, value in {**SECURITY_HEADERS, **(headers or {})}.items():
                self.send_header(name, value)
            if body:
                self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _redirect(self, location: str, cookie: str = "") -> None:
            headers = {"Location": location}
            if cookie:
                headers["Set-Cookie"] = cookie
            self._send(302, "", headers)

        def _record(self, path: str) -> None:
            app.seen.append(Seen(self.command, path, self._session() is not None, self.headers.get("User-Agent", "")))
            if path in app.expire_on:
                app.expire_all()

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = parts.path
            self._record(path)
            if path == "/":
                self._send(200, _page("Example service", HOME_LINKS))
            elif path == "/app.css":
                self._send(200, "", {"Content-Type": "text/css"}, STYLE)
            elif path == "/login/":
                self._login_page(parse_qs(parts.query).get("next", ["/account/"])[0])
            elif path in ("/account/", "/account/orders/"):
                self._account(path)
            elif path == "/session/end/":
                with app.lock:
                    app.sessions.discard(self._cookies().get("sessionid", ""))
                self._redirect("/login/", "sessionid=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")
            else:
                self._send(404, _page("Page not found", "<p>There is no page here.</p>"))

        do_HEAD = do_GET

        def _login_page(self, next_path: str, error: str = "") -> None:
            token = self._cookies().get("csrftoken") or secrets.token_hex(16)
            cookie = f"csrftoken={token}; Path=/; HttpOnly; SameSite=Lax"
            self._send(200, _login_form(token, next_path, error), {"Set-Cookie": cookie})

        def _account(self, path: str) -> None:
            if self._session() is None:
                self._redirect(f"/login/?next={path}")
                return
            if path == "/account/":
                body = (
                    f"<p>Signed in as {USERNAME}.</p><ul><li><a href='/account/orders/'>Your orders</a></li>"
                    "<li><a href='/session/end/'>Sign out</a></li></ul>"
                )
                self._send(200, _page(ACCOUNT_TITLE, body))
            else:
                self._send(200, _page("Your orders", "<p>No orders yet.</p><p><a href='/account/'>Back</a></p>"))

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            self._record(path)
            length = int(self.headers.get("Content-Length") or 0)
            form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
            if path != "/login/":
                self._send(405, _page("Not allowed", "<p>Method not allowed.</p>"))
                return
            token = self._cookies().get("csrftoken")
            if not token or form.get("csrf_token") != token:
                self._send(403, _page("Forbidden", "<p>CSRF verification failed.</p>"))
                return
            next_path = form.get("next") or "/account/"
            if form.get("username") != USERNAME or form.get("password") != app.password:
                app.failed_logins += 1
                self._login_page(next_path, "Enter a correct username and password.")
                return
            session = secrets.token_urlsafe(24)
            with app.lock:
                app.sessions.add(session)
                app.issued.append(session)
                app.logins += 1
            target = next_path if next_path.startswith("/") else "/account/"
            self._redirect(target, f"sessionid={session}; Path=/; HttpOnly; SameSite=Lax")

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a load test's clients hang up at the end; that is not the app's problem


@contextmanager
def running_app(password: str) -> Iterator[tuple[LoginApp, str]]:
    """Serve a LoginApp on a free loopback port; yields it and its base URL; stops it afterwards."""
    app = LoginApp(password)
    with serving(_Server(("127.0.0.1", 0), _handler(app))) as port:
        yield app, f"http://127.0.0.1:{port}"
