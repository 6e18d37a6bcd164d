"""The permission table, tested as it is written: one test per action, role and ownership,
generated from ``annotator/projects/permissions.py``; outsiders, anonymous callers and
archived projects for every action; and docs/permissions.md equal to the table."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    archive,
    build_world,
)

ROOT = Path(__file__).resolve().parents[3]


# The socket's probes open sessions: their steps run in this process, whatever the set-up.
pytestmark = pytest.mark.usefixtures("eager_tasks")


def _marks(action: Action) -> list[pytest.MarkDecorator]:
    """The socket is tested through the real ASGI app on committed data."""
    return [pytest.mark.django_db(transaction=action in SOCKET_ACTIONS)]


def _cases() -> list[object]:
    cases = []
    for action, rule in RULES.items():
        for role in Role:
            for own in (True, False) if rule.owner is not None else (True,):
                expected = ALLOWED if allowed(role, action, own=own) else FORBIDDEN
                target = "own" if own else "another's"
                name = f"{action.value}-{role.value}-{target}-{expected}"
                cases.append(pytest.param(action, role.value, own, expected, id=name, marks=_marks(action)))
    return cases


@pytest.mark.parametrize(("action", "role", "own", "expected"), _cases())
def test_a_member_gets_what_the_table_says(action: Action, role: str, own: bool, expected: str) -> None:
    world = build_world(role)
    assert PROBES[action](world, own) == expected


@pytest.mark.parametrize(
    ("action", "who", "expected"),
    [
        pytest.param(action, who, expected, id=f"{action.value}-{who}", marks=_marks(action))
        for action in RULES
        for who, expected in (("outsider", NOT_FOUND), ("anonymous", UNAUTHENTICATED))
    ],
)
def test_outsiders_find_nothing_and_anonymous_callers_must_log_in(
    action: Action, who: str, expected: str
) -> None:
    world = build_world(who)
    assert PROBES[action](world, True) == expected


@pytest.mark.parametrize(
    "action",
    [
        pytest.param(action, id=action.value, marks=_marks(action))
        for action, rule in RULES.items()
        if rule.writes and action != Action.PROJECT_ARCHIVE
    ],
)
def test_an_archived_project_refuses_every_write_even_to_its_admin(action: Action) -> None:
    world = build_world(Role.ADMIN)
    archive(world)
    assert PROBES[action](world, True) == ARCHIVED


@pytest.mark.parametrize(
    "action",
    [
        pytest.param(action, id=action.value, marks=_marks(action))
        for action, rule in RULES.items()
        if not rule.writes
    ],
)
def test_an_archived_project_can_still_be_read(action: Action) -> None:
    world = build_world(Role.ADMIN)
    archive(world)
    assert PROBES[action](world, True) == ALLOWED


def test_every_action_has_a_probe_and_a_place_in_the_docs() -> None:
    assert set(PROBES) == set(Action) == set(RULES) == set(WHERE)


def test_docs_permissions_md_is_the_table() -> None:
    written = (ROOT / "docs" / "permissions.md").read_text()
    assert written == permissions_markdown(), "run: python manage.py permissions_table > docs/permissions.md"
