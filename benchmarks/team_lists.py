"""The project page's reads on a large project: the image list, paged and filtered on the server,
progress, an annotator's queue and previous/next, and handing out a batch of images.

Makes a project of ``--images`` images (rows only: the list never opens the files) with three
objects on every other one, ``--annotators`` annotators holding all but a tenth of the images,
then times each request through Django's test client (routing, DRF, the permission checks,
serialisers: everything but the socket), round after round in turn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maskloop_bench \\
        .venv/bin/python benchmarks/team_lists.py --images 5000 --rounds 50
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.stats import report, summary  # noqa: E402


def a_large_project(images: int, annotators: int) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.db import connection

    from annotator.annotations.models import Annotation
    from annotator.images.models import ImageAsset, ImageAssignment, ImageStatus
    from annotator.projects.models import Assignment, Membership, Role
    from annotator.projects.services import label_class_create, project_create

    tag = uuid.uuid4().hex[:8]
    admin = User.objects.create_user(f"bench-admin-{tag}")
    project = project_create(creator=admin, name=f"large {tag}")
    project.assignment = Assignment.ASSIGNED
    project.save()
    label_class = label_class_create(project=project, name="object")
    people = [User.objects.create_user(f"bench-{tag}-{i}") for i in range(annotators)]
    Membership.objects.bulk_create([Membership(project=project, user=u, role=Role.ANNOTATOR) for u in people])
    statuses = [ImageStatus.NEW, ImageStatus.IN_PROGRESS, ImageStatus.DONE, ImageStatus.ACCEPTED]
    rows = ImageAsset.objects.bulk_create(
        ImageAsset(
            project=project, file=f"images/bench/{tag}-{i}.png", original_name=f"photo_{i:06d}.jpg",
            format="PNG", width=1024, height=768, checksum=f"{tag}{i:056d}", size_bytes=1,
            uploaded_by=admin, status=statuses[i % 4],
        )
        for i in range(images)
    )  # fmt: skip
    mask = {"size": [768, 1024], "counts": "0"}
    Annotation.objects.bulk_create(
        Annotation(
            project=project, image=image, label_class=label_class, mask=mask, bbox=[0, 0, 1, 1], area=1,
            author=people[i % annotators],
        )
        for i, image in enumerate(rows) if i % 2 for _ in range(3)
    )  # fmt: skip
    held = rows[: images - images // 10]
    ImageAssignment.objects.bulk_create(
        ImageAssignment(image=image, user=people[i % annotators], assigned_by=admin)
        for i, image in enumerate(held)
    )
    if connection.vendor == "postgresql":  # the statistics autovacuum keeps on a table in use
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"project": project, "admin": admin, "annotator": people[0], "middle": rows[images // 2].id}


def requests(world: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    from rest_framework.test import APIClient

    project = world["project"].id
    admin, annotator = APIClient(), APIClient()
    admin.force_authenticate(world["admin"])
    annotator.force_authenticate(world["annotator"])
    base = f"/api/projects/{project}"

    def get(client: APIClient, url: str, **params: Any) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(url, params)
            assert response.status_code == 200, response.content[:300]
            return response

        return call

    return {
        "image list, page 1 of 50 (admin)": get(admin, f"{base}/images/"),
        "image list, page 40": get(admin, f"{base}/images/", page=40),
        "image list, status done, most objects first": get(
            admin, f"{base}/images/", status="done", ordering="-objects"
        ),
        "image list, unassigned only": get(admin, f"{base}/images/", assignee="none"),
        "image list, name contains": get(admin, f"{base}/images/", name="photo_0042"),
        "image list (annotator: their images)": get(annotator, f"{base}/images/"),
        "progress (counts per status and assignee)": get(admin, f"{base}/progress/"),
        "my work, page 1 (annotator)": get(annotator, f"{base}/work/"),
        "previous and next (annotator)": get(annotator, f"{base}/work/around/", image=world["middle"]),
    }


def time_batches(world: dict[str, Any], rounds: int) -> dict[str, list[float]]:
    """Give the annotator 100 unassigned images and take them back, ``rounds`` times."""
    from rest_framework.test import APIClient

    admin = APIClient()
    admin.force_authenticate(world["admin"])
    base = f"/api/projects/{world['project'].id}/assignments/"
    timings: dict[str, list[float]] = {"assign the next 100 unassigned": [], "take 100 back": []}
    for _ in range(rounds):
        started = time.perf_counter()
        given = admin.post(base, {"user": world["annotator"].id, "count": 100}, format="json")
        given = given.data["assigned"]
        timings["assign the next 100 unassigned"].append((time.perf_counter() - started) * 1000.0)
        started = time.perf_counter()
        admin.post(f"{base}remove/", {"user": world["annotator"].id, "images": given}, format="json")
        timings["take 100 back"].append((time.perf_counter() - started) * 1000.0)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--annotators", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--json", type=Path, help="write the summary and the raw timings here")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = a_large_project(args.images, args.annotators)
    made_s = time.perf_counter() - started
    calls = requests(world)
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():  # warm-up
        call()
    for _ in range(args.rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            timings[name].append((time.perf_counter() - started) * 1000.0)
    timings.update(time_batches(world, max(5, args.rounds // 5)))
    result = {
        "database": connection.vendor,
        "images": args.images,
        "annotators": args.annotators,
        "setup_s": round(made_s, 1),
        "ms": {name: summary(values) for name, values in timings.items()},
    }
    report(result, [{"request": name, "ms": values} for name, values in timings.items()], args.json)


if __name__ == "__main__":
    main()
