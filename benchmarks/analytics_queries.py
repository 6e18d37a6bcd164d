"""Analytics on a large project: the summary endpoints' answers, and what writing an object's
row adds to an accept.

Generates, in PostgreSQL (``COPY``), a project of ``--objects`` sessions over 90 days, 8
classes and 20 annotators, with ``--events`` events between them (clicks, boxes, scribbles,
brush strokes, undos, then an accept, or a cancel for one in ten), then writes every row with
the backfill (timed), then times each request through Django's test client, round after round
in turn, and ``record_ended`` (the accept's listener: read the log, compute, upsert the row and
the histograms) on sessions of 20 events.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maskloop_bench \\
        .venv/bin/python benchmarks/analytics_queries.py --objects 100000 --events 2000000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.stats import report, summary  # noqa: E402

KINDS = np.array(["click", "click", "click", "click", "box", "scribble", "brush", "undo"])
START = datetime(2026, 9, 1, tzinfo=UTC)


def a_large_project(objects: int, events: int, seed: int = 0) -> dict[str, Any]:
    """The project, its sessions and their events (``COPY``); returns what the requests need."""
    from django.contrib.auth.models import User
    from django.db import connection

    from annotator.images.models import ImageAsset
    from annotator.interactions.models import InteractionEvent, InteractionSession
    from annotator.projects.models import Membership, Role
    from annotator.projects.services import label_class_create, project_create

    rng = np.random.default_rng(seed)
    tag = uuid.uuid4().hex[:8]
    admin = User.objects.create_user(f"bench-admin-{tag}")
    project = project_create(creator=admin, name=f"analytics {tag}")
    classes = [label_class_create(project=project, name=f"class {i}") for i in range(8)]
    people = [User.objects.create_user(f"bench-{tag}-{i}") for i in range(20)]
    Membership.objects.bulk_create([Membership(project=project, user=u, role=Role.ANNOTATOR) for u in people])
    images = ImageAsset.objects.bulk_create(
        ImageAsset(
            project=project, file=f"images/bench/{tag}-{i}.png", original_name=f"photo_{i}.jpg", format="PNG",
            width=1024, height=768, checksum=f"{tag}{i:056d}", size_bytes=1, uploaded_by=admin,
        )
        for i in range(max(1, objects // 10))
    )  # fmt: skip
    cancelled = rng.random(objects) < 0.1
    sessions = InteractionSession.objects.bulk_create(
        InteractionSession(
            project=project, image=images[i // 10], label_class=classes[int(rng.integers(8))],
            user=people[int(rng.integers(20))], state="cancelled" if cancelled[i] else "accepted",
            engine="grabcut", pipeline="plain",
        )
        for i in range(objects)
    )  # fmt: skip
    per_session = rng.multinomial(events - objects, np.full(objects, 1.0 / objects))
    table = InteractionEvent._meta.db_table
    columns = ", ".join((
        "session_id", "client_event_id", "kind", "payload", "status", "error", "engine_ms", "applied_by",
        "created_at", "applied_at",
    ))  # fmt: skip
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for index, session in enumerate(sessions):
            at = START + timedelta(seconds=float(index) * 90 * 86400 / objects)
            kinds = rng.choice(KINDS, size=int(per_session[index]))
            for n, kind in enumerate([*kinds, "cancel" if cancelled[index] else "accept"]):
                at += timedelta(seconds=float(rng.exponential(4.0)))
                model = kind in ("click", "box", "scribble")
                engine = float(rng.gamma(4.0, 15.0)) if model else None
                applied = at + timedelta(milliseconds=(engine or 1.0) + float(rng.gamma(2.0, 5.0)))
                worker = f"worker-{index % 4}"
                copy.write_row((session.id, f"e{n}", kind, "{}", "applied", "", engine, worker, at, applied))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"project": project, "admin": admin, "annotator": people[0], "class": classes[0]}


def requests(world: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    from rest_framework.test import APIClient

    admin, annotator = APIClient(), APIClient()
    admin.force_authenticate(world["admin"])
    annotator.force_authenticate(world["annotator"])
    base = f"/api/projects/{world['project'].id}/analytics"
    week = {"from": "2026-10-05", "to": "2026-10-11", "class": world["class"].id}

    def get(client: APIClient, path: str, **params: Any) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(f"{base}/{path}/", params)
            assert response.status_code == 200, response.content[:300]
            return response

        return call

    return {
        "summary by class": get(admin, "summary", by="class"),
        "summary by annotator": get(admin, "summary", by="annotator"),
        "summary by week": get(admin, "summary", by="week"),
        "summary by day": get(admin, "summary", by="day"),
        "summary by day, one class, one week": get(admin, "summary", by="day", **week),
        "summary by class (annotator: their own)": get(annotator, "summary", by="class"),
        "NoC distribution": get(admin, "noc"),
        "learning curves": get(admin, "learning"),
        "health by day": get(admin, "health", by="day"),
        "health by worker": get(admin, "health", by="worker"),
        "object rows, page 1": get(admin, "objects"),
    }  # fmt: skip


def time_record_writes(world: dict[str, Any], count: int) -> list[float]:
    """``record_ended`` of an accept, on fresh sessions of 20 events, each in its transaction."""
    from django.db import transaction
    from django.utils import timezone

    from annotator.analytics.services import record_ended
    from annotator.annotations.services import annotation_create
    from annotator.images.models import ImageAsset
    from annotator.interactions.models import InteractionEvent, InteractionSession
    from inference.masks import rle

    image = ImageAsset.objects.filter(project=world["project"]).first()
    assert image is not None
    mask = np.zeros((image.height, image.width), dtype=bool)
    mask[10:60, 10:80] = True
    timings = []
    for _ in range(count):
        session = InteractionSession.objects.create(
            project=world["project"], image=image, label_class=world["class"], user=world["annotator"],
            engine="grabcut", state="accepted",
        )  # fmt: skip
        now = timezone.now()
        InteractionEvent.objects.bulk_create(
            InteractionEvent(
                session=session, client_event_id=f"e{n}", kind="click", status="applied", engine_ms=50.0,
                applied_by="worker-0", applied_at=now,
            )
            for n in range(19)
        )  # fmt: skip
        annotation = annotation_create(
            image=image, label_class=world["class"], mask=rle.encode(mask), author=world["annotator"],
            source_session=session,
        )  # fmt: skip
        accept = InteractionEvent.objects.create(
            session=session, client_event_id="a", kind="accept", status="applied", applied_at=now,
            result={"annotation_id": annotation.id, "revision": 1},
        )  # fmt: skip
        with transaction.atomic():
            started = time.perf_counter()
            record_ended(session=session, events=[accept])
            timings.append((time.perf_counter() - started) * 1000.0)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--json", type=Path, help="write the summary and the raw timings here")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from annotator.analytics.services import records_backfill

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark fills PostgreSQL with COPY: set DATABASE_URL.")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = a_large_project(args.objects, args.events)
    made_s = time.perf_counter() - started
    started = time.perf_counter()
    written = records_backfill(project_id=world["project"].id)
    backfill_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    calls = requests(world)
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():  # warm-up
        call()
    for _ in range(args.rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            timings[name].append((time.perf_counter() - started) * 1000.0)
    writes = time_record_writes(world, args.writes)
    result = {
        "database": connection.vendor,
        "objects": args.objects,
        "events": args.events,
        "generated_s": round(made_s, 1),
        "backfill_s": round(backfill_s, 1),
        "rows_written": written,
        "ms": {name: summary(values) for name, values in timings.items()},
        "record_ended_ms": summary(writes),
    }
    records = [{"request": name, "ms": values} for name, values in timings.items()]
    report(result, [*records, {"request": "record_ended", "ms": writes}], args.json)


if __name__ == "__main__":
    main()
