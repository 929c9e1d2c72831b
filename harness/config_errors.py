"""Turn a pydantic validation error into one line that names every problem, what is allowed, and, for a
misspelt key, the key that was probably meant."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

# Labels pydantic puts in an error's location for the member of a union; they are not config keys.
_UNION_LABELS = frozenset({"int", "str", "float", "bool", "dict", "list"})


def _location(loc: Sequence[int | str]) -> tuple[str, list[str]]:
    """The dotted location as written in TOML, and its key parts (list indexes left out)."""
    text = ""
    keys: list[str] = []
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part not in _UNION_LABELS and not re.fullmatch(r"[a-z-]+\[.*\]", part):
            text += f".{part}" if text else part
            keys.append(part)
    return text, keys


def _model_at(model: type[BaseModel], keys: Sequence[str]) -> type[BaseModel] | None:
    """The model that holds the last key of `keys`, following nested models (and lists of them)."""
    current: type[BaseModel] = model
    for key in keys[:-1]:
        field = current.model_fields.get(key)
        if field is None:
            return None
        nested = _nested_model(field.annotation)
        if nested is None:
            return None
        current = nested
    return current


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType) or origin is not None:
        for argument in typing.get_args(annotation):
            found = _nested_model(argument)
            if found is not None:
                return found
    return None


def _suggestion(model: type[BaseModel], keys: Sequence[str]) -> str:
    holder = _model_at(model, keys)
    if holder is None or not keys:
        return ""
    known = [name for name, field in holder.model_fields.items()] + [
        field.alias for field in holder.model_fields.values() if field.alias
    ]
    close = difflib.get_close_matches(keys[-1], known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _message(detail: ErrorDetails, model: type[BaseModel], keys: Sequence[str]) -> str:
    if detail["type"] == "extra_forbidden":
        return "unknown key" + (_suggestion(model, keys) or "; check its spelling against the README's reference")
    if detail["type"] == "missing":
        return "required key is missing"
    return detail["msg"].removeprefix("Value error, ")


def _given(detail: ErrorDetails, messages: Sequence[str]) -> str:
    given = detail.get("input")
    if detail["type"] in ("extra_forbidden", "missing") or isinstance(given, dict | list) or given is None:
        return ""
    return "" if any(repr(given) in message for message in messages) else f" (got {given!r})"


def describe_validation_error(error: ValidationError, sources: str, model: type[BaseModel]) -> str:
    """Every problem in one line; alternatives for the same key (a union) are joined with "or"."""
    problems = validation_problems(error, model)
    count = f"{len(problems)} problems: " if len(problems) > 1 else ""
    return f"config error ({sources}): {count}" + "; ".join(problems)


def validation_problems(error: ValidationError, model: type[BaseModel]) -> list[str]:
    """Each problem as "key: what is wrong (got value)"."""
    by_location: dict[str, tuple[ErrorDetails, list[str]]] = {}
    for detail in error.errors():
        text, keys = _location(detail["loc"])
        message = _message(detail, model, keys)
        _, messages = by_location.setdefault(text, (detail, []))
        if message not in messages:
            messages.append(message)
    problems = []
    for location, (detail, messages) in by_location.items():
        # A union's alternatives each say "Input should be ..."; one "should be" reads better.
        alternatives = [messages[0], *(message.removeprefix("Input should be ") for message in messages[1:])]
        problems.append(f"{location}: {' or '.join(alternatives)}{_given(detail, messages)}")
    return problems
