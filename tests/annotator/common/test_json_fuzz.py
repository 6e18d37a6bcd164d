"""A property-based fuzz of every JSON write endpoint (hypothesis, bounded): whatever JSON an
admin sends, the answer is never a 500, a refusal is the one error body, and a refused request
stores nothing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.conftest import ProjectSetup
from tests.factories import upload_scene

# Tables that a refused request may still write: the login guard's record of failed attempts.
IGNORED = {"axes"}

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=40)
)


def _json_values() -> st.SearchStrategy[Any]:
    return st.recursive(
        SCALARS,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
        max_leaves=20,
    )


def _write_operations() -> list[tuple[str, str, list[str]]]:
    """(method, path template, the request body's property names) of every JSON write."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method in ("post", "put", "patch") and "application/json" in content:
                ref = content["application/json"]["schema"].get("$ref", "")
                component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
                found.append((method, path, sorted(component.get("properties", {}))))
    return found


OPERATIONS = _write_operations()


def _bodies(names: list[str]) -> st.SearchStrategy[Any]:
    known = (
        st.dictionaries(st.sampled_from(names), _json_values(), max_size=len(names)) if names else st.just({})
    )
    return known | _json_values()


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in IGNORED and not model._meta.proxy
    }


@pytest.fixture
def world(project_setup: ProjectSetup) -> dict[str, int]:
    image, _ = upload_scene(project_setup.project, project_setup.admin, width=32, height=24)
    return {
        "project_id": project_setup.project.id,
        "class_id": project_setup.label_class.id,
        "image_id": image.id,
        "user_id": project_setup.annotator.id,
    }


def test_the_fuzz_reaches_every_json_write() -> None:
    assert len(OPERATIONS) > 20
    assert all(re.fullmatch(r"/api/[\w{}/-]+", path) for _, path, _ in OPERATIONS)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_json_body_makes_a_500_or_stores_half_of_a_refused_request(
    project_setup: ProjectSetup, world: dict[str, int], data: st.DataObject
) -> None:
    method, template, names = data.draw(st.sampled_from(OPERATIONS), label="operation")
    path = re.sub(r"\{(\w+)\}", lambda m: str(world.get(m.group(1), 1)), template)
    body = data.draw(_bodies(names), label="body")
    client = APIClient()
    client.force_authenticate(project_setup.admin)
    client.raise_request_exception = False
    before = _row_counts()
    answer = getattr(client, method)(path, json.dumps(body, allow_nan=True), content_type="application/json")
    assert answer.status_code < 500, (method, path, body, answer.content[:300])
    if answer.status_code >= 400:
        error = answer.json()
        assert error["code"] and error["detail"], error
        assert _row_counts() == before, (method, path, body)
