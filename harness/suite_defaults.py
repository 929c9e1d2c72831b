"""Reading a suite's section defaults from a TOML file shipped inside its package."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any


def packaged_defaults(package: str, name: str = "defaults.toml") -> dict[str, Any]:
    """The TOML file `name` inside `package`, as a dict (for `Suite.defaults`)."""
    return tomllib.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))
