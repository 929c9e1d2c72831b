"""A suite's gathered artifacts: named JSON documents, kept in memory for judging and written once to disk.

A live run judges what `gather` returned without reading anything back; `golive evaluate` loads the same
documents from the run folder. Raw tool output (logs, HTML reports, screenshots) is evidence, written by the
suite as it goes, and is never judged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from harness.files import write_atomic
from harness.redaction import Redactor

# What the engine records about how gathering ended (completed, error, timings); not a suite's document.
GATHER_STATE = "gather.json"


class MissingArtifact(FileNotFoundError):
    """A document the judge needs was never gathered (a FileNotFoundError, as reading it from disk would be)."""


class Artifacts:
    """Named JSON documents (``"pages.json"`` → data); a name may hold folders (``"pages/001.json"``)."""

    def __init__(self, documents: Mapping[str, Any] | None = None) -> None:
        self._documents: dict[str, Any] = dict(documents or {})

    def put(self, name: str, data: Any) -> None:
        """Keep `data` under `name`, replacing what was there."""
        self._documents[name] = data

    def get(self, name: str, default: Any = None) -> Any:
        """The document `name`, or `default` when it was not gathered."""
        return self._documents.get(name, default)

    def read_json(self, name: str) -> Any:
        """The document `name`; raises MissingArtifact when it was not gathered."""
        try:
            return self._documents[name]
        except KeyError:
            raise MissingArtifact(f"no artifact named {name}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._documents

    def __iter__(self) -> Iterator[str]:
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)

    def merged(self, other: Artifacts) -> Artifacts:
        """These documents with `other`'s laid over them."""
        return Artifacts({**self._documents, **other._documents})

    def write(self, folder: Path, redactor: Redactor) -> None:
        """Write every document under `folder` as JSON, secrets masked, each file atomically."""
        for name, data in self._documents.items():
            write_atomic(folder / name, redactor.text(json.dumps(data, indent=2, default=str)))

    @staticmethod
    def load(folder: Path) -> Artifacts:
        """Every JSON document under `folder` (the engine's own gather state left out)."""
        documents: dict[str, Any] = {}
        if folder.is_dir():
            for path in sorted(folder.rglob("*.json")):
                name = path.relative_to(folder).as_posix()
                if name == GATHER_STATE or not path.is_file():
                    continue
                try:
                    documents[name] = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue  # a tool's half-written file is evidence of a crash, not a document to judge
        return Artifacts(documents)

    @staticmethod
    def redacted(data: Any, redactor: Redactor) -> Any:
        """`data` as it will read back from disk: secrets masked, JSON types only."""
        text = json.dumps(data, default=str)
        return json.loads(redactor.text(text)) if redactor.active else json.loads(text)
