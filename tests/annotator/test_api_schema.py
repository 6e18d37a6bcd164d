"""The OpenAPI schema describes every endpoint under /api/, validly, and every list in it is
paged."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator


def api_routes(patterns: list[Any], prefix: str = "") -> list[str]:
    """Every route of the URL conf, written as the schema writes paths (``{name}``)."""
    routes: list[str] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += api_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            routes.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return [r for r in routes if r.startswith("/api/")]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    generated: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return generated


def test_every_api_endpoint_is_in_the_schema(schema: dict[str, Any]) -> None:
    routes = api_routes(get_resolver().url_patterns)
    assert len(routes) > 30
    missing = [route for route in routes if route not in schema["paths"]]
    assert missing == []


def test_every_list_is_paged(schema: dict[str, Any]) -> None:
    unpaged = []
    for path, operations in schema["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get("200", {})
        for content in answer.get("content", {}).values():
            if content.get("schema", {}).get("type") == "array":
                unpaged.append(path)
    assert unpaged == []
    assert schema["paths"]["/api/projects/{project_id}/images/"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["$ref"].endswith("PaginatedImageList")


def test_the_schema_is_valid_openapi_without_warnings(tmp_path: Any) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").stat().st_size > 10_000


def test_every_operation_documents_its_error_answers_with_the_one_error_body(schema: dict[str, Any]) -> None:
    undocumented = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            wanted = ["401", "404", "500"] + (["400", "413"] if method in ("post", "put", "patch") else [])
            for status in wanted:
                answer = operation["responses"].get(status, {})
                ref = answer.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
                if not ref.endswith("/Error"):
                    undocumented.append(f"{method.upper()} {path} {status}")
    assert undocumented == []
