"""Route tables for local test sites: one configured well, one badly, one that answers 200 for everything."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

from tests.support import Route, RouteTable

PAGE = (
    "<!DOCTYPE html><html lang='en'><head><title>Home</title></head><body><h1>Home</h1>"
    "<a href='/about'>About</a> <a href='/search?q=x'>Search</a></body></html>"
)
GOOD_COOKIE_VALUE = "goodcookievalue-abc123"
BAD_COOKIE_VALUE = "badcookievalue-xyz789"

GOOD_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Set-Cookie": f"session={GOOD_COOKIE_VALUE}; Path=/; HttpOnly; SameSite=Lax",
    "Server": "test-server",
}


def good_site() -> RouteTable:
    """Every hygiene check passes: security headers, a well-flagged cookie, nothing exposed, security.txt."""
    return {
        "/": Route(PAGE, headers=GOOD_HEADERS),
        "/about": Route(PAGE, headers=GOOD_HEADERS),
        "/.well-known/security.txt": Route(
            "Contact: mailto:security@example.org\nExpires: 2030-01-01T00:00:00Z\n",
            headers={"Content-Type": "text/plain"},
        ),
    }


def _reflect_origin(handler: BaseHTTPRequestHandler) -> Route:
    origin = handler.headers.get("Origin")
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Server": "Apache/2.4.1 (Unix)",
        "X-Powered-By": "PHP/8.1.2",
        "Set-Cookie": f"session={BAD_COOKIE_VALUE}; Path=/",
    }
    if origin:
        headers["Access-Control-Allow-Origin"] = origin
        headers["Access-Control-Allow-Credentials"] = "true"
    return Route(PAGE, headers=headers)


def bad_site() -> RouteTable:
    """No security headers, a bare cookie, a versioned Server header, CORS reflection, an exposed .git."""
    return {
        "/": _reflect_origin,
        "/.git/HEAD": Route("ref: refs/heads/main\n", headers={"Content-Type": "text/plain"}),
        "/.env": Route(
            "DATABASE_URL=postgres://user:pw@db/app\nSECRET_KEY=abc\n", headers={"Content-Type": "text/plain"}
        ),
    }


CATCH_ALL = Route(PAGE, 200, headers=GOOD_HEADERS)
