"""ZAP's JSON API through the `zapv2` client: every call bounded by a deadline, every failure one plain sentence.

The `zapv2` client is imported inside the functions that use it, so `golive --help` never loads it. The client
sets no timeout on its HTTP calls, so each call runs in a helper thread with a deadline: a ZAP that hangs
turns into an error message, never into a run that never ends.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from suites.security.settings import ZapSettings

T = TypeVar("T")
V = TypeVar("V")


class ZapError(Exception):
    """ZAP could not be used; `kind` says how (unreachable, launch_failed, timeout, dropped, bad_key, not_zap,
    api_error)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def start_hint(settings: ZapSettings) -> str:
    """How to start a ZAP daemon that golive can reach at `security.zap.api_url` (the key is never shown).

    The port is published on the loopback interface only: ZAP's API drives a scanner and a proxy, and must not
    be open to the network the machine is on.
    """
    port = urlsplit(settings.api_url).port or 8090
    return (
        f"start it with `docker run -p 127.0.0.1:{port}:{port} {settings.docker_image} zap.sh -daemon -host 0.0.0.0 "
        f"-port {port} -config api.addrs.addr.name=.* -config api.addrs.addr.regex=true "
        f"-config api.key=$ZAP_API_KEY`"
    )


def call_with_deadline(function: Callable[[], T], timeout: float, what: str, api_url: str) -> T:
    """Run one blocking client call, giving up after `timeout` seconds (the thread is left to finish alone)."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def runner() -> None:
        try:
            outcome.append(function())
        except BaseException as error:  # handed back to the caller's thread below
            failure.append(error)

    thread = threading.Thread(target=runner, name="golive-zap-call", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise ZapError("timeout", f"ZAP at {api_url} did not answer {what} within {timeout:g}s")
    if failure:
        raise failure[0]
    return outcome[0]


def _api_error_body(error: Exception) -> tuple[int | None, dict[str, Any] | None]:
    """zapv2 (validate_status_code=True) raises a bare Exception whose text holds the status and the body."""
    text = str(error)
    status = None
    marker = "status code returned from ZAP"
    if marker in text:
        digits = "".join(ch for ch in text.split(":", 1)[-1][:8] if ch.isdigit())
        status = int(digits) if digits else None
    _, found, body = text.partition("response: ")
    if not found:
        return status, None
    try:
        data = json.loads(body)
    except ValueError:
        return status, None
    return status, data if isinstance(data, dict) else None


def classify_error(error: BaseException, settings: ZapSettings, what: str) -> ZapError:
    """Turn whatever the client raised into one plain sentence naming the URL and what to do."""
    import requests

    api_url = settings.api_url
    if isinstance(error, ZapError):
        return error
    if isinstance(error, requests.exceptions.ConnectionError):
        text = str(error)
        if "aborted" in text.lower() or "RemoteDisconnected" in text or "reset by peer" in text.lower():
            return ZapError(
                "dropped",
                f"ZAP at {api_url} dropped the connection during {what} without answering "
                f"(it may have crashed or run out of memory; see its log)",
            )
        if "refused" in text.lower():
            return ZapError("unreachable", f"ZAP not reachable at {api_url}: connection refused")
        if "Name or service not known" in text or "getaddrinfo" in text or "nodename nor servname" in text:
            return ZapError("unreachable", f"ZAP not reachable at {api_url}: host not found")
        return ZapError("unreachable", f"ZAP not reachable at {api_url}: {type(error).__name__}")
    if isinstance(error, requests.exceptions.RequestException):
        return ZapError("unreachable", f"ZAP not reachable at {api_url}: {type(error).__name__}: {error}")
    if isinstance(error, ValueError):
        # A JSON decode error: something answers HTTP there, but not ZAP's API.
        return ZapError("not_zap", f"something answers at {api_url} but it is not ZAP's JSON API ({what})")
    status, body = _api_error_body(error if isinstance(error, Exception) else Exception(str(error)))
    if body is not None and "code" in body:
        code = str(body.get("code"))
        message = str(body.get("message", "")).rstrip(".")
        if code in ("bad_api_key", "bad_key"):
            if settings.api_key:
                return ZapError(
                    "bad_key",
                    f"ZAP at {api_url} rejected the API key ({code}: {message}): security.zap.api_key must be the "
                    f"key ZAP was started with (-config api.key=...)",
                )
            return ZapError(
                "bad_key",
                f"ZAP at {api_url} requires an API key and none is set ({code}: {message}): set "
                f'security.zap.api_key = "${{ZAP_API_KEY}}" to the key ZAP was started with',
            )
        detail = f": {body['detail']}" if body.get("detail") else ""
        return ZapError("api_error", f"ZAP at {api_url} refused {what} ({code}: {message}{detail})")
    if status is not None:
        return ZapError("not_zap", f"something answers at {api_url} with HTTP {status} but it is not ZAP's API")
    return ZapError("api_error", f"ZAP at {api_url} failed on {what}: {type(error).__name__}: {error}")


@dataclass
class ZapSession:
    """One conversation with ZAP: every call is bounded and every failure is classified."""

    settings: ZapSettings
    progress: Callable[[str], None] = lambda message: None
    client: Any = field(default=None, init=False)

    def __post_init__(self) -> None:
        from zapv2 import ZAPv2

        api_url = self.settings.api_url
        self.client = ZAPv2(
            apikey=self.settings.api_key or None,
            proxies={"http": api_url, "https": api_url},
            validate_status_code=True,
        )

    def attempt(self, what: str, function: Callable[[Any], object]) -> str | None:
        """Call `function(client)` where a failure is not fatal; return the failure's message, or None."""
        try:
            self.call(what, function)
        except ZapError as error:
            return str(error)
        return None

    def call(self, what: str, function: Callable[[Any], T], timeout: float | None = None) -> T:
        """Call `function(client)` within the deadline; raise ZapError with a readable message on failure."""
        limit = self.settings.request_timeout if timeout is None else timeout
        try:
            return call_with_deadline(lambda: function(self.client), limit, what, self.settings.api_url)
        except Exception as error:
            raise classify_error(error, self.settings, what) from None

    def version(self) -> str:
        """ZAP's version; the first call, bounded by `connect_timeout`."""
        return str(self.call("core.version", lambda zap: zap.core.version, self.settings.connect_timeout))

    def wait_for(self, what: str, read: Callable[[], V], done: Callable[[V], bool], deadline: float) -> V:
        """Poll `read` until `done` or the deadline; return the last value read."""
        value = read()
        while not done(value) and time.monotonic() < deadline:
            time.sleep(self.settings.poll_interval)
            value = read()
            self.progress(f"{what}: {value}")
        return value


def as_int(value: Any, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise ZapError("api_error", f"ZAP answered {what} with {value!r}, not a number") from None
