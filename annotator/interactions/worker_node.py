"""A worker process's part in session affinity, wired to Celery's worker signals.

- after setup: the worker also consumes a queue of its own (``<default queue>.<hostname>``);
- when ready: it loads the SAM engines projects use (compiled, when so configured), then
  registers and beats from a background thread; each beat also hands the sessions of silent
  workers, whose clicks would otherwise wait, to live workers, and starts a step again for its
  own (or unpinned) sessions whose events have waited with no step running (a dispatch lost);
- on shutdown: it unregisters, tells its sessions' pages to look their route up again, and
  hands its sessions with waiting events to the others.

GPU workers must not fork once CUDA is initialised, and should hold one model per process:
a worker whose SAM device is CUDA refuses the prefork pool (use ``--pool solo`` or ``threads``).
Django is imported lazily: this module is imported by ``annotator/celery.py`` before setup.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from celery.signals import celeryd_after_setup, worker_ready, worker_shutdown

logger = logging.getLogger(__name__)

# sysexits.h EX_CONFIG: the worker's configuration is wrong.
EXIT_CONFIG = 78


@dataclass
class _Node:
    name: str = ""
    queue: str = ""
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None


_node = _Node()


def own_queue(default_queue: str, hostname: str) -> str:
    return f"{default_queue}.{hostname}"


def _sam_on_cuda() -> bool:
    from django.conf import settings

    device = settings.MASKLOOP_SAM_DEVICE
    if device is not None:
        return str(device).startswith("cuda")
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


def _forks(instance: Any) -> bool:
    pool = getattr(instance, "pool_cls", None)
    name = pool if isinstance(pool, str) else getattr(pool, "__module__", "")
    return "prefork" in str(name)


def beat() -> None:
    """One heartbeat: register as alive, then re-route the sessions of silent workers."""
    from django.db import close_old_connections

    from annotator.interactions import routing

    try:
        routing.worker_heartbeat(name=_node.name, queue=_node.queue)
        orphaned = routing.orphaned_sessions()
        stalled = routing.stalled_sessions(worker_name=_node.name)
    except Exception:  # the database is away: keep beating, the next beat retries
        logger.exception("worker heartbeat failed")
        close_old_connections()
        return
    try:
        for session_id in orphaned:
            logger.warning(
                "session %s: events wait on a silent or missing worker; routing them to a live one",
                session_id,
            )
            _hand_over(session_id)
        for session_id in sorted(set(stalled) - set(orphaned)):
            logger.warning("session %s: events wait with no step running; starting one", session_id)
            _restart_step(session_id)
    finally:
        close_old_connections()


def _hand_over(session_id: int) -> None:
    """Route an orphaned session's waiting events to a live worker; one that cannot be handed
    over now is left to the next beat, and the others still are."""
    from annotator.interactions import routing, tasks

    try:
        moved, queue = routing.session_handover(session_id=session_id)
        if moved:
            tasks.send_advance(session_id, queue, once=False)
    except Exception:  # the database or broker is away
        logger.exception("could not hand session %s over", session_id)


def _restart_step(session_id: int) -> None:
    """Start a step for a session whose pending events no step took up (``stalled_sessions``),
    unless one is queued (``tasks.send_advance``); one the broker refuses now is left to the
    next beat."""
    from annotator.interactions import tasks

    try:
        tasks.dispatch_advance(session_id)  # none where a step is queued already: it applies them
    except Exception:  # the database or broker is away
        logger.exception("could not start a step for session %s", session_id)


def _beat_forever(interval: float) -> None:
    while not _node.stop.wait(interval):
        beat()


@celeryd_after_setup.connect
def _consume_own_queue(sender: str, instance: Any, **kwargs: Any) -> None:
    if _forks(instance) and _sam_on_cuda():
        logger.critical("SAM runs on CUDA here: start this worker with --pool solo or --pool threads")
        raise SystemExit(EXIT_CONFIG)
    _node.name = sender
    _node.queue = own_queue(instance.app.conf.task_default_queue, sender)
    instance.app.amqp.queues.select_add(_node.queue)


@worker_ready.connect
def _start_heartbeat(**kwargs: Any) -> None:
    from django.conf import settings
    from django.db import close_old_connections

    from annotator.serving.engines import preload_engines

    try:
        logger.info("engines loaded before taking sessions: %s", preload_engines() or "none")
    except Exception:  # the database is away: each engine loads on its first click instead
        logger.exception("could not load the engines before taking sessions")
    finally:
        close_old_connections()
    beat()
    _node.stop.clear()
    _node.thread = threading.Thread(
        target=_beat_forever,
        args=(settings.MASKLOOP_WORKER_HEARTBEAT_SECONDS,),
        name="maskloop-heartbeat",
        daemon=True,
    )
    _node.thread.start()


@worker_shutdown.connect
def _retire(**kwargs: Any) -> None:
    from django.db import close_old_connections

    from annotator.interactions import relay, routing, tasks

    if not _node.name:
        return
    _node.stop.set()
    if _node.thread is not None:
        _node.thread.join(timeout=5)
    try:
        retired = routing.worker_retire(name=_node.name)
        for session_id in retired.waiting:
            tasks.dispatch_advance(session_id, once=False)
        relay.forget_routes(retired.sessions)
    except Exception:  # shutting down anyway: the others' heartbeats pick the sessions up
        logger.exception("could not hand this worker's sessions over")
    finally:
        close_old_connections()
