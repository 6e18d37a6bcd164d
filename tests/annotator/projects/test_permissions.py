"""The permission table, tested as it is written: for every endpoint and socket action, one test
per role and ownership, generated from ``annotator/projects/permissions.py``; outsiders,
anonymous callers and archived projects for every one of them; and docs/permissions.md equal to
the table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from annotator.projects.models import Role
from annotator.projects.permissions import RULES, Action, allowed
from annotator.projects.permissions_doc import WHERE, permissions_markdown
from tests.annotator.projects.permission_probes import (
    ALLOWED,
    ARCHIVED,
    FORBIDDEN,
    NOT_FOUND,
    PROBES,
    SOCKET_ACTIONS,
    UNAUTHENTICATED,
)
from tests.annotator.projects.permission_world import archive, build_world

ROOT = Path(__file__).resolve().parents[3]

# The socket's probes open sessions: their steps run in this process, whatever the set-up.
pytestmark = pytest.mark.usefixtures("eager_tasks")


def _marks(action: Action) -> list[pytest.MarkDecorator]:
    """The socket is tested through the real ASGI app on committed data."""
    return [pytest.mark.django_db(transaction=action in SOCKET_ACTIONS)]


def _endpoints(keep: Callable[[Action], bool] = lambda action: True) -> Iterator[tuple[Action, str]]:
    for action in RULES:
        if keep(action):
            for endpoint in PROBES[action]:
                yield action, endpoint


def _param(action: Action, endpoint: str, *rest: object, name: str = "") -> object:
    return pytest.param(
        action, endpoint, *rest, id=f"{action.value}-{endpoint}{name}".replace(" ", "_"), marks=_marks(action)
    )


def _cases() -> list[object]:
    cases = []
    for action, endpoint in _endpoints():
        rule = RULES[action]
        for role in Role:
            for own in (True, False) if rule.owner is not None else (True,):
                expected = ALLOWED if allowed(role, action, own=own) else FORBIDDEN
                name = f"-{role.value}-{'own' if own else 'others'}-{expected}"
                cases.append(_param(action, endpoint, role.value, own, expected, name=name))
    return cases


@pytest.mark.parametrize(("action", "endpoint", "role", "own", "expected"), _cases())
def test_a_member_gets_what_the_table_says(
    action: Action, endpoint: str, role: str, own: bool, expected: str
) -> None:
    world = build_world(role)
    assert PROBES[action][endpoint](world, own) == expected


@pytest.mark.parametrize(
    ("action", "endpoint", "who", "expected"),
    [
        _param(action, endpoint, who, expected, name=f"-{who}")
        for action, endpoint in _endpoints()
        for who, expected in (("outsider", NOT_FOUND), ("anonymous", UNAUTHENTICATED))
    ],
)
def test_outsiders_find_nothing_and_anonymous_callers_must_log_in(
    action: Action, endpoint: str, who: str, expected: str
) -> None:
    world = build_world(who)
    assert PROBES[action][endpoint](world, True) == expected


@pytest.mark.parametrize(
    ("action", "endpoint"),
    [_param(a, e) for a, e in _endpoints(lambda a: RULES[a].writes and a != Action.PROJECT_ARCHIVE)],
)
def test_an_archived_project_refuses_every_write_even_to_its_admin(action: Action, endpoint: str) -> None:
    world = build_world(Role.ADMIN)
    archive(world)
    assert PROBES[action][endpoint](world, True) == ARCHIVED


@pytest.mark.parametrize(
    ("action", "endpoint"), [_param(a, e) for a, e in _endpoints(lambda a: not RULES[a].writes)]
)
def test_an_archived_project_can_still_be_read(action: Action, endpoint: str) -> None:
    world = build_world(Role.ADMIN)
    archive(world)
    assert PROBES[action][endpoint](world, True) == ALLOWED


@pytest.mark.django_db
def test_an_archived_project_is_brought_back_by_its_admin() -> None:
    world = build_world(Role.ADMIN)
    archive(world)
    admin = APIClient()
    admin.force_authenticate(world.actor)
    assert admin.delete(f"/api/projects/{world.project.id}/archive/").status_code == 200
    assert PROBES[Action.CLASS_MANAGE]["POST classes"](world, True) == ALLOWED


def test_every_action_has_probes_and_a_place_in_the_docs() -> None:
    assert set(PROBES) == set(Action) == set(RULES) == set(WHERE)
    assert all(PROBES.values())


def test_docs_permissions_md_is_the_table() -> None:
    written = (ROOT / "docs" / "permissions.md").read_text()
    assert written == permissions_markdown(), "run: python manage.py permissions_table > docs/permissions.md"
