"""GET operations with examples from an OpenAPI definition, as concrete paths for the scan and the load test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.openapi import OpenApiError, get_example_paths, read_definition

OPENAPI_3: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Licences", "version": "1"},
    "servers": [{"url": "https://api.example.gov.uk/v1"}],
    "paths": {
        "/licences": {
            "get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "example": "trout"}}]},
            "post": {"requestBody": {}},
        },
        "/licences/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "example": 42}],
            "get": {},
            "delete": {},
        },
        "/owners/{owner}/licences": {
            "get": {"parameters": [{"name": "owner", "in": "path", "required": True, "schema": {"type": "string"}}]}
        },
        "/search": {"get": {"parameters": [{"name": "term", "in": "query", "required": True}]}},
        "/docs/{name}": {
            "get": {
                "parameters": [{"name": "name", "in": "path", "required": True, "examples": {"a": {"value": "a b/c"}}}]
            }
        },
        "/health": {"get": {}},
    },
}


def test_get_operations_with_examples_become_paths_under_the_servers_base_path() -> None:
    result = get_example_paths(OPENAPI_3)
    assert result.paths == ["/v1/licences?q=trout", "/v1/licences/42", "/v1/docs/a%20b%2Fc", "/v1/health"]
    assert result.skipped == [
        "GET /owners/{owner}/licences: path parameter 'owner' has no example",
        "GET /search: required query parameter 'term' has no example",
    ]


def test_swagger_2_uses_its_base_path_and_x_example() -> None:
    swagger = {
        "swagger": "2.0",
        "basePath": "/api/",
        "paths": {"/items/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "x-example": "7"}]}}},
    }
    assert get_example_paths(swagger).paths == ["/api/items/7"]


def test_a_definition_without_get_operations_gives_nothing_and_skips_nothing() -> None:
    result = get_example_paths({"paths": {"/a": {"post": {}}}})
    assert (result.paths, result.skipped) == ([], [])


def test_reading_a_definition_names_what_is_wrong(tmp_path: Path) -> None:
    good = tmp_path / "openapi.json"
    good.write_text(json.dumps(OPENAPI_3), encoding="utf-8")
    assert read_definition(str(good))["openapi"] == "3.0.3"
    with pytest.raises(OpenApiError, match="could not be read"):
        read_definition(str(tmp_path / "missing.json"))
    yaml_file = tmp_path / "openapi.yaml"
    yaml_file.write_text("openapi: 3.0.3\npaths: {}\n", encoding="utf-8")
    with pytest.raises(OpenApiError, match="is not JSON"):
        read_definition(str(yaml_file))
    other = tmp_path / "other.json"
    other.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(OpenApiError, match="has no `paths` object"):
        read_definition(str(other))
