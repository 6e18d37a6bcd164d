"""Pinning sessions to workers: least loaded live worker, re-pinning when one goes silent."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

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


def test_sessions_a_page_left_long_ago_do_not_count_towards_a_workers_load(
    project_setup: ProjectSetup, settings: Any
) -> None:
    settings.MASKLOOP_PLACEMENT_ACTIVE_SECONDS = 600.0
    _worker("a@host")
    _worker("b@host")
    left, also_left, fresh, new, newer = _sessions(project_setup, 5)
    for session in (left, also_left):
        assert routing.session_route(session_id=session.id) is not None
    assert routing.session_route(session_id=fresh.id) == "interactive.a@host"
    # Pinned an hour ago, no event since: the pages left them (still open).
    an_hour_ago = timezone.now() - timedelta(hours=1)
    InteractionSession.objects.filter(id__in=[left.id, also_left.id]).update(pinned_at=an_hour_ago)
    InteractionSession.objects.filter(id__in=[left.id, also_left.id]).update(
        worker=Worker.objects.get(name="b@host")
    )
    assert routing.session_route(session_id=new.id) == "interactive.b@host"  # b: 0, a: 1
    # One of them gets a click: active again, whatever its pinning time.
    _pending(left, "c1")
    assert routing.session_route(session_id=newer.id) == "interactive.a@host"  # a: 1, b: 2


def test_a_worker_that_comes_back_takes_new_sessions_and_the_others_stay(
    project_setup: ProjectSetup,
) -> None:
    _worker("a@host", silent_for=3600)
    _worker("b@host")
    first, second, third = _sessions(project_setup, 3)
    assert routing.session_route(session_id=first.id) == "interactive.b@host"
    assert routing.session_route(session_id=second.id) == "interactive.b@host"
    routing.worker_heartbeat(name="a@host", queue="interactive.a@host")
    assert routing.session_route(session_id=third.id) == "interactive.a@host"
    # No move back: a session moved costs a re-prepare on its new worker.
    assert routing.session_route(session_id=first.id) == "interactive.b@host"


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
    retired = routing.worker_retire(name="a@host")
    assert sorted(retired.sessions) == sorted([waiting.id, idle.id])
    assert retired.waiting == [waiting.id]
    assert not Worker.objects.exists()
    assert InteractionSession.objects.get(id=waiting.id).worker is None


def test_a_page_remembers_its_sessions_route_for_one_heartbeat(
    project_setup: ProjectSetup, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.MASKLOOP_WORKER_HEARTBEAT_SECONDS = 0.2
    [session] = _sessions(project_setup, 1)
    _worker("a@host")
    routes = routing.RouteMemory()
    assert routes.queue(session.id) == "interactive.a@host"
    with django_assert_num_queries(0):
        assert routes.queue(session.id) == "interactive.a@host"
    time.sleep(0.3)
    with django_assert_num_queries(1):
        assert routes.queue(session.id) == "interactive.a@host"


def test_a_remembered_route_ends_when_its_worker_would_count_as_silent(
    project_setup: ProjectSetup, settings: Any
) -> None:
    settings.MASKLOOP_WORKER_HEARTBEAT_SECONDS = 60.0
    settings.MASKLOOP_WORKER_TIMEOUT_SECONDS = 10.0
    [session] = _sessions(project_setup, 1)
    _worker("a@host", silent_for=9.8)  # its last beat: 0.2 s before it counts as silent
    routes = routing.RouteMemory()
    assert routes.queue(session.id) == "interactive.a@host"
    _worker("b@host")
    assert routes.queue(session.id) == "interactive.a@host"
    time.sleep(0.3)
    assert routes.queue(session.id) == "interactive.b@host"
    assert InteractionSession.objects.get(id=session.id).worker.name == "b@host"


def test_a_forgotten_route_is_looked_up_again(project_setup: ProjectSetup, settings: Any) -> None:
    settings.MASKLOOP_WORKER_HEARTBEAT_SECONDS = 60.0
    [session] = _sessions(project_setup, 1)
    _worker("a@host")
    routes = routing.RouteMemory()
    assert routes.queue(session.id) == "interactive.a@host"
    _worker("b@host")
    routing.worker_retire(name="a@host")
    assert routes.queue(session.id) == "interactive.a@host"  # not told yet
    routes.forget(session.id)
    assert routes.queue(session.id) == "interactive.b@host"


def test_without_a_live_worker_nothing_is_remembered(project_setup: ProjectSetup, settings: Any) -> None:
    settings.MASKLOOP_WORKER_HEARTBEAT_SECONDS = 60.0
    [session] = _sessions(project_setup, 1)
    routes = routing.RouteMemory()
    assert routes.queue(session.id) is None
    _worker("a@host")
    assert routes.queue(session.id) == "interactive.a@host"
