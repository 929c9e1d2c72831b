"""result.json: the machine-readable contract of a run (DESIGN.md)."""

from __future__ import annotations

import json

from harness.models import RunResult

FILE_NAME = "result.json"


def render_json(result: RunResult) -> str:
    """The run as indented JSON, keys in contract order."""
    return json.dumps(result.to_dict(), indent=2, default=str) + "\n"
