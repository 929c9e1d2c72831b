"""Keep secrets (header values, cookies, keys, anything read from the environment) out of everything written."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path

MASK = "***"
# Values this short would mask ordinary words and numbers all over a report; they are not credible secrets.
_MIN_SECRET_LENGTH = 4


def _json(secret: str) -> str:
    return json.dumps(secret)[1:-1]


class Redactor:
    """Replaces every known secret value with ``***`` in text and in files."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Mask these values too from now on (a session cookie becomes known only once golive has signed in)."""
        credible = {s for s in secrets if len(s) >= _MIN_SECRET_LENGTH}
        # A secret with & < > " or \ is written escaped in HTML and JSON; mask those spellings too.
        spellings = {form for s in credible for form in (s, html.escape(s), html.escape(s, quote=False), _json(s))}
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted(spellings | set(self._secrets), key=len, reverse=True)

    @property
    def active(self) -> bool:
        """Whether there is anything to redact."""
        return bool(self._secrets)

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
