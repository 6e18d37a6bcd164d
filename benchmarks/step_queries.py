"""The step's per-click statements: built by the ORM on every call, against ``step_queries``.

Times, in one process on one real session, each statement a worker runs for a click (lock the
session's row, read its pending events, write back the applied ones, each in its own
transaction like the step's), the ORM's way and ``annotator.interactions.step_queries``'s way,
one after the other in every round so both share the machine's state of the moment.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maskloop_bench \\
        .venv/bin/python benchmarks/step_queries.py --rounds 500
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.stats import summary  # noqa: E402


def a_session_with_events(clicks: int) -> Any:
    """A session with ``clicks`` applied clicks, made through the real services."""
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from annotator.images.services import image_upload
    from annotator.interactions import services
    from annotator.projects.services import label_class_create, project_create
    from inference.synthetic import make_scene

    user = User.objects.create_user(f"bench-{uuid.uuid4().hex[:8]}")
    project = project_create(creator=user, name="step queries", engine="grabcut")
    label_class = label_class_create(project=project, name="shape")
    scene = make_scene(160, 120, objects=1, seed=3)
    buffer = io.BytesIO()
    Image.fromarray(scene.image).save(buffer, format="PNG")
    upload = SimpleUploadedFile("bench.png", buffer.getvalue(), content_type="image/png")
    image = image_upload(project=project, uploader=user, upload=upload)
    session = services.session_open(user=user, image=image, label_class=label_class)
    ys, xs = scene.masks[0].nonzero()
    for i in range(clicks):
        k = (i * 7919) % len(xs)
        payload = {"x": float(xs[k]), "y": float(ys[k]), "positive": True}
        services.event_record(
            session_id=session.id, client_event_id=f"c{i}", kind="click", payload=payload, seq=i
        )
        services.session_advance(session_id=session.id, worker="bench")
    return session


def statements(session: Any) -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    """Per statement: (the ORM's way, step_queries's way)."""
    from django.db import transaction
    from django.db.models import Q
    from django.utils import timezone

    from annotator.interactions import step_queries
    from annotator.interactions.models import EventStatus, InteractionSession

    events = list(session.events.order_by("id"))
    first = events[-1].id

    def orm_lock() -> None:
        with transaction.atomic():
            InteractionSession.objects.select_for_update(of=("self",), no_key=True).get(id=session.id)

    def lock() -> None:
        with transaction.atomic():
            step_queries.session_lock(session.id)

    def orm_read() -> object:
        return list(session.events.filter(Q(status=EventStatus.PENDING) | Q(id__gte=first)).order_by("id"))

    def read() -> object:
        return step_queries.events_pending_or_from(session.id, first)

    def orm_write() -> None:
        with transaction.atomic():
            event = events[-1]
            event.applied_at = timezone.now()
            event.save(update_fields=list(step_queries.APPLIED_FIELDS))

    def write() -> None:
        with transaction.atomic():
            step_queries.events_mark_applied(events[-1:], applied_at=timezone.now(), worker="bench")

    return {
        "lock the session (own transaction)": (orm_lock, lock),
        "read pending events": (orm_read, read),
        "write back one applied event (own transaction)": (orm_write, write),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--clicks", type=int, default=5, help="applied clicks in the session's log")
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    session = a_session_with_events(args.clicks)
    timings: dict[str, dict[str, list[float]]] = {}
    for name, (orm, written) in statements(session).items():
        runs: dict[str, list[float]] = {"orm": [], "step_queries": []}
        for _ in range(20):  # warm-up: connection, caches
            orm(), written()
        for _ in range(args.rounds):
            for way, statement in (("orm", orm), ("step_queries", written)):
                started = time.perf_counter()
                statement()
                runs[way].append((time.perf_counter() - started) * 1000.0)
        timings[name] = runs
    report: dict[str, Any] = {"database": connection.vendor, "rounds": args.rounds, "statements": {}}
    print(f"{connection.vendor}, {args.rounds} rounds, ms")
    print(f"{'statement':50} {'ORM p50 / p95':>16} {'step_queries':>16} {'ratio p50':>9}")
    for name, runs in timings.items():
        before, after = summary(runs["orm"]), summary(runs["step_queries"])
        ratio = after["p50"] / before["p50"]
        report["statements"][name] = {"orm": before, "step_queries": after, "ratio_p50": ratio}
        print(
            f"{name:50} {before['p50']:7.3f} / {before['p95']:6.3f} "
            f"{after['p50']:7.3f} / {after['p95']:6.3f} {ratio:9.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
