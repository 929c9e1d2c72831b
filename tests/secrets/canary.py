"""Canary values and every spelling of them a leak could take: raw, URL-encoded, JSON- or HTML-escaped, base64.

A base64 encoding of a longer text that contains the secret (``user:password`` in a Basic Authorization header)
depends on where the secret starts modulo 3; `spellings` holds the part that is the same whatever surrounds it,
for each of the three alignments.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, quote_plus


def _base64_cores(secret: bytes) -> set[str]:
    cores: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        for pad in range(3):
            encoded = encode(b"\0" * pad + secret).decode().rstrip("=")
            # Characters mixing bits of the padding or of what follows depend on the surroundings: drop them.
            start = -(-pad * 4 // 3)
            end = (pad + len(secret)) * 4 // 3
            cores.add(encoded[start:end])
    return cores


def spellings(secret: str) -> set[str]:
    """Every way `secret` may be written by something that encodes it."""
    forms = {secret, quote(secret), quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
    forms |= {html.escape(secret), html.escape(secret, quote=False)}
    forms |= _base64_cores(secret.encode())
    return {form for form in forms if len(form) >= 6}


def leaks_in(data: bytes, secrets: Iterable[str]) -> list[str]:
    """The spellings of `secrets` found in `data`."""
    return sorted({form for secret in secrets for form in spellings(secret) if form.encode() in data})


def leaking_files(folder: Path, secrets: Iterable[str]) -> dict[str, list[str]]:
    """Every file under `folder` holding a spelling of a secret, with what it holds (path relative to folder)."""
    chosen = list(secrets)
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            leaked = leaks_in(path.read_bytes(), chosen)
            if leaked:
                found[str(path.relative_to(folder))] = leaked
    return found
