"""Pinning sessions to workers: least loaded live worker, re-pinning when one goes silent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from annotator.interactions import routing, services
from annotator.interactions.models import InteractionSession, SessionState, Worker
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = pytest.mark.django_db


def _worker(name: str, *, silent_for: float = 0.0) -> Worker:
    last_seen = timezone.now() - timedelta(seconds=silent_for)
    return Worker.objects.create(name=name, queue=f"interactive.{name}", last_seen=last_seen)


def _sessions(setup: ProjectSetup, count: int) -> list[InteractionSession]:
    sessions = []
    for seed in range(count):
        image, _ = upload_scene(setup.project, setup.admin, seed=seed, width=32, height=24)
        sessions.append(
            services.session_open(user=setup.annotator, image=image, label_class=setup.label_class)
        )
    return sessions


def _pending(session: InteractionSession, event_id: str) -> None:
    services.event_record(
        session_id=session.id,
        client_event_id=event_id,
        kind="click",
        payload={"x": 3, "y": 3, "positive": True},
        seq=1,
    )


def test_sessions_spread_over_live_workers_and_stay_pinned(project_setup: ProjectSetup) -> None:
    _worker("a@host")
    _worker("b@host")
    first, second, third = _sessions(project_setup, 3)
    assert routing.session_route(session_id=first.id) == "interactive.a@host"
    assert routing.session_route(session_id=second.id) == "interactive.b@host"
    assert routing.session_route(session_id=third.id) == "interactive.a@host"
    # Later clicks of a session go to the worker it is pinned to, whatever the loads.
    assert routing.session_route(session_id=second.id) == "interactive.b@host"
    assert InteractionSession.objects.get(id=second.id).worker.name == "b@host"


def test_accepted_sessions_do_not_count_towards_a_workers_load(project_setup: ProjectSetup) -> None:
    _worker("a@host")
    _worker("b@host")
    done, busy, new = _sessions(project_setup, 3)
    routing.session_route(session_id=done.id)
    routing.session_route(session_id=busy.id)
    InteractionSession.objects.filter(id=done.id).update(state=SessionState.ACCEPTED)
    assert routing.session_route(session_id=new.id) == "interactive.a@host"


def test_a_silent_worker_loses_its_sessions_to_a_live_one(
    project_setup: ProjectSetup, settings: object
) -> None:
    [session] = _sessions(project_setup, 1)
    _worker("a@host")
    assert routing.session_route(session_id=session.id) == "interactive.a@host"
    Worker.objects.filter(name="a@host").update(last_seen=timezone.now() - timedelta(seconds=60))
    _worker("b@host")
    assert routing.session_route(session_id=session.id) == "interactive.b@host"
    assert InteractionSession.objects.get(id=session.id).worker.name == "b@host"


def test_without_a_live_worker_the_shared_queue_serves(project_setup: ProjectSetup) -> None:
    [session] = _sessions(project_setup, 1)
    _worker("gone@host", silent_for=3600)
    assert routing.session_route(session_id=session.id) is None
    assert InteractionSession.objects.get(id=session.id).worker is None


def test_orphans_are_sessions_whose_waiting_events_no_live_worker_will_take(
    project_setup: ProjectSetup,
) -> None:
    on_live, on_silent, idle_on_silent, unpinned_fresh, unpinned_old = _sessions(project_setup, 5)
    live, silent = _worker("live@host"), _worker("silent@host", silent_for=60)
    InteractionSession.objects.filter(id=on_live.id).update(worker=live)
    InteractionSession.objects.filter(id__in=[on_silent.id, idle_on_silent.id]).update(worker=silent)
    for session in (on_live, on_silent, unpinned_fresh, unpinned_old):
        _pending(session, f"c{session.id}")
    unpinned_old.events.update(created_at=timezone.now() - timedelta(seconds=60))
    assert sorted(routing.orphaned_sessions()) == sorted([on_silent.id, unpinned_old.id])


def test_a_retiring_worker_hands_over_its_sessions_with_waiting_events(project_setup: ProjectSetup) -> None:
    waiting, idle = _sessions(project_setup, 2)
    worker = _worker("a@host")
    InteractionSession.objects.filter(id__in=[waiting.id, idle.id]).update(worker=worker)
    _pending(waiting, "c1")
    assert routing.worker_retire(name="a@host") == [waiting.id]
    assert not Worker.objects.exists()
    assert InteractionSession.objects.get(id=waiting.id).worker is None
