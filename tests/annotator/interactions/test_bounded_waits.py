"""Nothing the web process or a heartbeat does for a session waits long for a step that holds
the session's row (its worker stopped inside the step)."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from annotator.interactions import routing, services
from annotator.interactions.models import InteractionSession
from tests.annotator.interactions.test_routing import _pending, _sessions, _worker
from tests.annotator.interactions.test_step_locks import step_in_progress
from tests.conftest import ProjectSetup
from tests.factories import LabelClassFactory

pytestmark = pytest.mark.django_db(transaction=True)

# A step holds the row for 10 s (``step_in_progress``); each call below must answer well before.
BOUND_SECONDS = 2.0


@pytest.fixture(autouse=True)
def _row_locks() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's (the CI database)")


def test_opening_a_session_a_step_holds_answers_from_its_last_committed_state(
    project_setup: ProjectSetup,
) -> None:
    [session] = _sessions(project_setup, 1)
    other_class = LabelClassFactory(project=project_setup.project, name="other")
    with step_in_progress(session.id):
        started = time.monotonic()
        opened = services.session_open(
            user=project_setup.annotator, image=session.image, label_class=other_class
        )
        assert time.monotonic() - started < BOUND_SECONDS
        assert opened.id == session.id
    # The class could not be written meanwhile: the next open takes it.
    assert InteractionSession.objects.get(id=session.id).label_class_id == project_setup.label_class.id
    opened = services.session_open(user=project_setup.annotator, image=session.image, label_class=other_class)
    assert InteractionSession.objects.get(id=opened.id).label_class_id == other_class.id


def test_a_session_a_step_holds_stays_on_its_silent_worker_until_the_step_ends(
    project_setup: ProjectSetup,
) -> None:
    silent = _worker("silent@host", silent_for=3600)
    _worker("live@host")
    [session] = _sessions(project_setup, 1)
    InteractionSession.objects.filter(id=session.id).update(worker=silent)
    _pending(session, "c1")
    with step_in_progress(session.id):
        started = time.monotonic()
        assert routing.session_route(session_id=session.id) == "interactive.silent@host"
        assert routing.session_handover(session_id=session.id) == (False, "interactive.silent@host")
        assert time.monotonic() - started < BOUND_SECONDS
        assert InteractionSession.objects.get(id=session.id).worker_id == silent.id
    assert routing.session_handover(session_id=session.id) == (True, "interactive.live@host")
    assert InteractionSession.objects.get(id=session.id).worker.name == "live@host"
