"""A quick look at the target before any suite starts, so an unreachable one fails in seconds, not minutes."""

from __future__ import annotations

import http.client
import socket
import ssl
from urllib.parse import urlsplit

from harness.suite import Target

PREFLIGHT_TIMEOUT_SECONDS = 10.0


def check_reachable(target: Target, timeout: float = PREFLIGHT_TIMEOUT_SECONDS) -> str | None:
    """None if the target answers HTTP at all (any status); else a one-line reason naming what to fix."""
    parts = urlsplit(target.url)
    host = parts.hostname or ""
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        # Certificate problems are the security suite's to report; here we only ask "does it answer?".
        context = ssl._create_unverified_context()
        connection = http.client.HTTPSConnection(host, parts.port, timeout=timeout, context=context)
    else:
        connection = http.client.HTTPConnection(host, parts.port, timeout=timeout)
    hint = "check target.url and that the service is running"
    try:
        connection.request("HEAD", parts.path or "/", headers=target.request_headers())
        connection.getresponse().read()
    except ConnectionRefusedError:
        return f"target {target.url} is unreachable: connection refused; {hint}"
    except socket.gaierror:
        return f"target {target.url} is unreachable: host {host!r} not found; {hint}"
    except TimeoutError:
        return f"target {target.url} is unreachable: no answer within {timeout:g}s; {hint}"
    except (OSError, http.client.HTTPException) as error:
        return f"target {target.url} is unreachable: {error}; {hint}"
    finally:
        connection.close()
    return None
