"""result.json: the machine-readable contract of a run (DESIGN.md)."""

from __future__ import annotations

import json

from harness.golive_list import golive_list_for
from harness.models import RunResult

FILE_NAME = "result.json"


def render_json(result: RunResult) -> str:
    """The run as indented JSON, keys in contract order, then the go-live checklist (every topic, what covers it)."""
    data = {**result.to_dict(), "golive_checklist": golive_list_for(result).to_dict()}
    return json.dumps(data, indent=2, default=str) + "\n"
