"""The JavaScript that golive runs in audited pages, shipped as `.js` files beside this module.

Each file holds one function expression for Playwright's `page.evaluate`. A line ``// @include common`` is
replaced by the helpers in `common.js`, so a script that describes elements carries them without a copy.
"""

from __future__ import annotations

import functools
from importlib import resources

_INCLUDE = "// @include "


@functools.cache
def script(name: str) -> str:
    """The text of `js/NAME.js`, its includes expanded; FileNotFoundError names a missing file."""
    text = resources.files(__package__).joinpath("js", f"{name}.js").read_text(encoding="utf-8")
    lines = [
        script(line.strip().removeprefix(_INCLUDE)) if line.strip().startswith(_INCLUDE) else line
        for line in text.splitlines()
    ]
    return "\n".join(lines)
