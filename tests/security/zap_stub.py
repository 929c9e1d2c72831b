"""A stub of OWASP ZAP's JSON API, served over real HTTP on 127.0.0.1, for the real `zapv2` client.

It answers the way ZAP does: the client sends proxy-style requests (``GET http://zap/JSON/core/view/version/``
with the absolute URL in the request line) to the configured proxy address, with the key in the
``X-ZAP-API-Key`` header; every value in an answer is a string; errors are HTTP 400 with
``{"code": "...", "message": "..."}`` (``bad_api_key`` for a wrong or missing key); an operation can drop the
connection without answering; the traditional JSON and HTML reports are served under ``/OTHER/``. This module is
the HTTP side; what each operation answers is `tests.security.zap_scan`, the alerts `tests.security.zap_alerts`,
the reports `tests.security.zap_reports`.

Run as a program (``python -m tests.security.zap_stub -daemon -host 127.0.0.1 -port N -config api.key=K``) it
stands in for ``zap.sh`` in the launcher's tests: it listens where it is told, logs to stdout like ZAP, and exits on
``core/action/shutdown``. Environment knobs for those tests: ``ZAP_STUB_START_DELAY`` (seconds before it listens),
``ZAP_STUB_EXIT_CODE`` (exit at once, as a ZAP that fails to start), ``ZAP_STUB_IGNORE_SHUTDOWN`` (keep running
after core/action/shutdown, so golive has to stop it by its PID) and ``ZAP_STUB_STALL`` (comma-separated phases
that never finish, so a test can kill the stub mid-scan).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.security.zap_alerts import alert, default_alerts
from tests.security.zap_reports import html_report, json_report
from tests.security.zap_scan import STUB_KEY, ApiError, ZapStubState, answer
from tests.support import serving

# What the tests import from here: the stub, its state and key, and the alert fixtures.
__all__ = ["STUB_KEY", "RunningStub", "ZapStubState", "alert", "default_alerts", "make_server", "zap_stub"]


@dataclass(frozen=True)
class RunningStub:
    """A running stub: the address to configure as security.zap.api_url, and its state."""

    url: str
    state: ZapStubState


def make_server(state: ZapStubState, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server answering ZAP's API from `state` (not yet serving)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, payload: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _json(self, status: int, body: dict[str, Any]) -> None:
            self._send(status, json.dumps(body).encode(), "application/json; charset=UTF-8")

        def do_GET(self) -> None:
            parts = urlsplit(self.path)  # absolute (proxy-style) or relative (direct) request line
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            segments = [segment for segment in parts.path.split("/") if segment]
            key = self.headers.get("X-ZAP-API-Key") or params.pop("apikey", None)
            operation = "/".join(segments[1:4])
            state.calls.append(
                {
                    "operation": operation,
                    "params": params,
                    "host": parts.hostname,
                    "proxy_style": bool(parts.scheme),
                    "key_header": self.headers.get("X-ZAP-API-Key") is not None,
                }
            )
            if operation in state.drop:
                # Hang up without a status line, as a ZAP that crashed or was killed mid-request would.
                self.close_connection = True
                return
            if len(segments) < 4 or segments[0] not in ("JSON", "OTHER"):
                self._json(400, {"code": "bad_format", "message": "Bad Format"})
                return
            if state.api_key is not None and key != state.api_key:
                self._json(400, {"code": "bad_api_key", "message": "Provided API key is incorrect or is missing"})
                return
            if operation == "core/view/version" and state.version_delay:
                time.sleep(state.version_delay)
            if segments[0] == "OTHER":
                self._other(operation)
                return
            try:
                self._json(200, answer(state, operation, params))
            except ApiError as error:
                self._json(400, {"code": error.code, "message": error.message})

        def _other(self, operation: str) -> None:
            with state.lock:
                if operation == "core/other/jsonreport":
                    self._send(200, json.dumps(json_report(state)).encode(), "application/json; charset=UTF-8")
                elif operation == "core/other/htmlreport":
                    self._send(200, html_report(state).encode(), "text/html; charset=UTF-8")
                else:
                    self._json(400, {"code": "bad_other", "message": "Bad Other"})

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


@contextmanager
def zap_stub(state: ZapStubState | None = None) -> Iterator[RunningStub]:
    """Serve the stub ZAP API on a free loopback port; stop it afterwards."""
    stub_state = state or ZapStubState()
    with serving(make_server(stub_state)) as port:
        yield RunningStub(f"http://127.0.0.1:{port}", stub_state)


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} [main] INFO  {message}", flush=True)


def main(argv: list[str]) -> int:
    """Stand in for ``zap.sh -daemon -host H -port P -config api.key=K``: serve until core/action/shutdown."""
    host, port, key = "127.0.0.1", 8080, None
    arguments = iter(argv)
    for argument in arguments:
        if argument == "-host":
            host = next(arguments)
        elif argument == "-port":
            port = int(next(arguments))
        elif argument == "-config":
            name, _, value = next(arguments).partition("=")
            if name == "api.key":
                key = value
    # ZAP echoes its options when it starts; the launcher must keep the one-off key out of the saved log.
    _log(f"ZAP 2.16.0 (stub) started with options: {' '.join(argv)}")
    if os.environ.get("ZAP_STUB_EXIT_CODE"):
        _log("Cannot listen on the given port: address already in use (simulated)")
        return int(os.environ["ZAP_STUB_EXIT_CODE"])
    time.sleep(float(os.environ.get("ZAP_STUB_START_DELAY", "0")))
    stall = {phase for phase in os.environ.get("ZAP_STUB_STALL", "").split(",") if phase}
    state = ZapStubState(api_key=key, stall=stall)
    server = make_server(state, host, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _log(f"ZAP is now listening on {host}:{port}")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    ignore_shutdown = bool(os.environ.get("ZAP_STUB_IGNORE_SHUTDOWN"))
    try:
        while not (state.shutdown_requested and not ignore_shutdown):
            time.sleep(0.05)
        _log("ZAP shutting down (core/action/shutdown)")
        # Let the answer to the shutdown call go out before the listener closes.
        time.sleep(0.1)
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
