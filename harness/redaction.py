"""Keep secrets (header values, cookies, keys, anything read from the environment) out of everything written.

A secret is masked in every spelling a writer might give it: as is, HTML-escaped, JSON-escaped, URL-encoded
(a token in a query string, a password in a form body), and base64-encoded (a Basic Authorization header, a
HAR file's bodies).
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, quote_plus

MASK = "***"
# Values this short would mask ordinary words and numbers all over a report; they are not credible secrets.
_MIN_SECRET_LENGTH = 4
# The base64 spelling of a short secret is a handful of letters that could turn up by chance in any base64 data
# (an embedded image); from this length on, the part masked is long enough to be the secret's alone.
_MIN_BASE64_LENGTH = 8


def _json(secret: str) -> str:
    return json.dumps(secret)[1:-1]


def base64_spellings(secret: str) -> set[str]:
    """The base64 text `secret` becomes inside any longer base64-encoded data (``user:secret``, a HAR body).

    Encoded inside more data, a secret's base64 depends on where it starts modulo 3, and its first and last
    characters mix in bits of its neighbours: for each of the three alignments, the characters that come from the
    secret alone. Standard and URL-safe alphabets both.
    """
    data = secret.encode()
    spellings: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        for offset in range(3):
            encoded = encode(b"\0" * offset + data).decode().rstrip("=")
            start = -(-offset * 4 // 3)  # the first character holding no bit of the padding
            end = (offset + len(data)) * 4 // 3  # past the last character holding no bit of what follows
            spellings.add(encoded[start:end])
    return spellings


def spellings(secret: str) -> set[str]:
    """Every way `secret` is written by something that escapes or encodes it (itself included)."""
    forms = {secret, html.escape(secret), html.escape(secret, quote=False), _json(secret)}
    forms |= {quote(secret), quote(secret, safe=""), quote_plus(secret)}
    if len(secret) >= _MIN_BASE64_LENGTH:
        forms |= base64_spellings(secret)
    return {form for form in forms if len(form) >= _MIN_SECRET_LENGTH}


class Redactor:
    """Replaces every known secret value with ``***`` in text and in files."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self._secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Mask these values too from now on (a session cookie becomes known only once golive has signed in)."""
        credible = {s for s in secrets if len(s) >= _MIN_SECRET_LENGTH}
        self._values |= credible
        forms = {form for s in credible for form in spellings(s)}
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted(forms | set(self._secrets), key=len, reverse=True)

    @property
    def active(self) -> bool:
        """Whether there is anything to redact."""
        return bool(self._secrets)

    @property
    def values(self) -> tuple[str, ...]:
        """The secrets as they are (no other spelling), longest first: what a page may show as text."""
        return tuple(sorted(self._values, key=len, reverse=True))

    def text(self, value: str) -> str:
        """Return `value` with every secret masked."""
        for secret in self._secrets:
            value = value.replace(secret, MASK)
        return value

    def scrub_tree(self, folder: Path) -> None:
        """Mask secrets in every file under `folder` that tools wrote themselves (reports, logs, HAR files)."""
        if not self._secrets or not folder.is_dir():
            return
        encoded = [secret.encode() for secret in self._secrets]
        for path in folder.rglob("*"):
            if not path.is_file() or path.is_symlink():
                continue
            data = path.read_bytes()
            if not any(secret in data for secret in encoded):
                continue
            for secret in encoded:
                data = data.replace(secret, MASK.encode())
            path.write_bytes(data)
