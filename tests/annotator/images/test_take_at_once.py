"""Annotators taking "next" at the same moment, each in their own transaction and database
connection (the service as the web processes run it): no image is handed out twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from annotator.images.assignments import image_take_next
from annotator.images.models import ImageAssignment
from annotator.projects.models import Assignment, Membership, Role
from tests.conftest import ProjectSetup
from tests.factories import UserFactory, upload_scene

ANNOTATORS = 6


@pytest.mark.django_db(transaction=True)
def test_annotators_taking_next_at_once_never_get_the_same_image(project_setup: ProjectSetup) -> None:
    project = project_setup.project
    project.assignment = Assignment.ON_DEMAND
    project.save()
    images = [upload_scene(project, project_setup.admin, width=24, height=16, seed=s)[0].id for s in range(8)]
    annotators = [UserFactory() for _ in range(ANNOTATORS)]
    for user in annotators:
        Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
    for _ in range(2):  # two rounds: the second starts with some images taken
        start = threading.Barrier(ANNOTATORS)

        def take(user: object, start: threading.Barrier = start) -> int | None:
            start.wait()
            try:
                return image_take_next(project=project, user=user).id  # type: ignore[arg-type]
            except Exception as error:  # the pool ran dry: nothing left to take
                assert getattr(error, "code", None) == "nothing_to_take", error
                return None
            finally:
                connections.close_all()

        with ThreadPoolExecutor(ANNOTATORS) as pool:
            list(pool.map(take, annotators))
    held = list(ImageAssignment.objects.values_list("image_id", flat=True))
    assert sorted(held) == images  # all eight handed out, each once
    assert len(held) == len(set(held))
