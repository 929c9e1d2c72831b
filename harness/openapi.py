"""Read an OpenAPI definition (3.x, or Swagger 2.0) and turn its GET operations with examples into concrete paths.

One definition drives both the scan and the load test: the paths returned here are requests that can be sent as
they are (every path parameter filled from an example), so Wapiti can start from them and the load test can use
them as its paths. Operations that cannot be filled in are listed as skipped, never guessed.

The definition is configured once, as `security.openapi`; any suite reads it through `configured_definition`.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

if TYPE_CHECKING:
    from harness.settings import GoliveConfig

FETCH_TIMEOUT = 30.0
# Largest definition read: far beyond any real one, small enough that a wrong URL cannot fill memory.
MAX_DEFINITION_BYTES = 20_000_000


class OpenApiError(Exception):
    """The definition cannot be used; the message names it and what is wrong."""


@dataclass(frozen=True)
class ExamplePaths:
    """Concrete request paths from a definition's GET operations, and the operations left out (with why)."""

    paths: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_definition(source: str, timeout: float = FETCH_TIMEOUT) -> dict[str, Any]:
    """Load a definition from a file or an http(s) URL; JSON only (a YAML one must be converted first)."""
    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=timeout) as response:
                raw = response.read(MAX_DEFINITION_BYTES + 1)
        else:
            raw = Path(source).read_bytes()
    except OSError as error:
        reason = getattr(error, "reason", None) or error.strerror or error
        raise OpenApiError(f"security.openapi {source!r} could not be read: {reason}") from None
    if len(raw) > MAX_DEFINITION_BYTES:
        raise OpenApiError(f"security.openapi {source!r} is larger than {MAX_DEFINITION_BYTES} bytes")
    try:
        data = json.loads(raw)
    except ValueError:
        raise OpenApiError(
            f"security.openapi {source!r} is not JSON (a YAML definition must be converted to JSON first)"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("paths"), dict):
        raise OpenApiError(f"security.openapi {source!r} has no `paths` object: is it an OpenAPI definition?")
    return data


def _base_path(definition: Mapping[str, Any]) -> str:
    """The path every operation sits under: OpenAPI 3's first server URL, or Swagger 2's basePath."""
    servers = definition.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        return urlsplit(str(servers[0].get("url", ""))).path.rstrip("/")
    return str(definition.get("basePath") or "").rstrip("/")


def _example(parameter: Mapping[str, Any]) -> Any:
    """A parameter's example: `example`, the first of `examples`, or its schema's example (None if it has none)."""
    if "example" in parameter:
        return parameter["example"]
    examples = parameter.get("examples")
    if isinstance(examples, dict) and examples:
        first = next(iter(examples.values()))
        return first.get("value") if isinstance(first, dict) else first
    schema = parameter.get("schema")
    if isinstance(schema, dict) and "example" in schema:
        return schema["example"]
    if "x-example" in parameter:  # Swagger 2's common extension
        return parameter["x-example"]
    return None


def _parameters(path_item: Mapping[str, Any], operation: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The operation's parameters, with the path item's shared ones it does not override ($refs are left out)."""
    own = [p for p in operation.get("parameters") or [] if isinstance(p, dict) and "name" in p]
    names = {(p["name"], p.get("in")) for p in own}
    shared = [
        p
        for p in path_item.get("parameters") or []
        if isinstance(p, dict) and "name" in p and (p["name"], p.get("in")) not in names
    ]
    return own + shared


def _concrete_path(template: str, parameters: list[dict[str, Any]]) -> tuple[str | None, str]:
    """The template filled from examples, or None and why it cannot be."""
    path = template
    query: list[tuple[str, str]] = []
    for parameter in parameters:
        value = _example(parameter)
        where = parameter.get("in")
        if where == "path":
            if value is None:
                return None, f"path parameter {parameter['name']!r} has no example"
            path = path.replace("{" + str(parameter["name"]) + "}", quote(str(value), safe=""))
        elif where == "query":
            if value is not None:
                query.append((str(parameter["name"]), str(value)))
            elif parameter.get("required"):
                return None, f"required query parameter {parameter['name']!r} has no example"
    if "{" in path:
        return None, "a path parameter is not declared"
    return path + (f"?{urlencode(query)}" if query else ""), ""


def get_example_paths(definition: Mapping[str, Any]) -> ExamplePaths:
    """Every GET operation that can be sent as it is, as a path under the definition's base path."""
    base = _base_path(definition)
    result = ExamplePaths()
    paths = definition.get("paths") or {}
    for template, path_item in paths.items():
        if not isinstance(path_item, dict) or not isinstance(path_item.get("get"), dict):
            continue
        concrete, why = _concrete_path(str(template), _parameters(path_item, path_item["get"]))
        if concrete is None:
            result.skipped.append(f"GET {template}: {why}")
        else:
            result.paths.append(base + concrete)
    return result


def configured_definition(config: GoliveConfig) -> str:
    """The run's OpenAPI definition (`security.openapi`), or "" when none is configured or security is not installed."""
    section = getattr(config, "security", None)
    value = getattr(section, "openapi", "") if section is not None else ""
    return value if isinstance(value, str) else ""
