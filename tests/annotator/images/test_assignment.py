"""Handing out images: assigning by selection or in batches, taking back, what an annotator then
sees, their queue, and image status as work moves along."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from annotator.annotations.models import Annotation
from annotator.images.models import ImageAsset, ImageAssignment, ImageStatus, ImageStatusChange
from annotator.projects.models import Assignment, Membership, Role
from tests.conftest import ProjectSetup
from tests.factories import LabelClassFactory, ProjectFactory, UserFactory, upload_scene
from tests.saved_objects import save_object

pytestmark = pytest.mark.django_db


def client_for(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def images(setup: ProjectSetup, n: int) -> list[ImageAsset]:
    return [upload_scene(setup.project, setup.admin, width=40, height=30, seed=seed)[0] for seed in range(n)]


def assign(setup: ProjectSetup, user: Any, **body: Any) -> Any:
    url = f"/api/projects/{setup.project.id}/assignments/"
    return client_for(setup.admin).post(url, {"user": user.id, **body}, format="json")


def work_of(user: Any, setup: ProjectSetup) -> list[int]:
    listed = client_for(user).get(f"/api/projects/{setup.project.id}/work/").data
    return [image["id"] for image in listed["results"]]


def another_annotator(setup: ProjectSetup) -> Any:
    user = UserFactory()
    Membership.objects.create(project=setup.project, user=user, role=Role.ANNOTATOR)
    return user


def assigned_project(setup: ProjectSetup) -> None:
    setup.project.assignment = Assignment.ASSIGNED
    setup.project.save()


def test_an_annotator_sees_and_works_on_exactly_the_images_given_to_them(project_setup: ProjectSetup) -> None:
    assigned_project(project_setup)
    all_images = images(project_setup, 6)
    given = [image.id for image in all_images[1:4]]
    response = assign(project_setup, project_setup.annotator, images=given)
    assert response.status_code == 200 and response.data["assigned"] == given
    annotator = client_for(project_setup.annotator)
    listed = annotator.get(f"/api/projects/{project_setup.project.id}/images/").data
    assert [image["id"] for image in listed["results"]] == given
    assert work_of(project_setup.annotator, project_setup) == given
    other = all_images[0]
    refused = annotator.get(f"/api/images/{other.id}/")
    assert refused.status_code == 403 and refused.data["code"] == "not_assigned"
    assert annotator.get(f"/api/images/{given[0]}/").data["assignees"][0]["username"] == (
        project_setup.annotator.username
    )


def test_the_next_unassigned_images_go_out_in_batches_and_never_twice(project_setup: ProjectSetup) -> None:
    assigned_project(project_setup)
    all_ids = [image.id for image in images(project_setup, 5)]
    bob = another_annotator(project_setup)
    first = assign(project_setup, project_setup.annotator, count=3)
    second = assign(project_setup, bob, count=3)
    assert first.data["assigned"] == all_ids[:3]
    assert second.data["assigned"] == all_ids[3:]
    progress = client_for(project_setup.admin).get(f"/api/projects/{project_setup.project.id}/progress/").data
    assert progress["unassigned"] == 0 and progress["total"] == 5
    assert {row["username"]: row["assigned"] for row in progress["by_assignee"]} == {
        project_setup.annotator.username: 3,
        bob.username: 2,
    }


def test_an_image_shared_by_two_is_done_when_both_are(project_setup: ProjectSetup) -> None:
    assigned_project(project_setup)
    (image,) = images(project_setup, 1)
    bob = another_annotator(project_setup)
    assign(project_setup, project_setup.annotator, images=[image.id])
    assign(project_setup, bob, images=[image.id])
    save_object(image, project_setup.label_class, project_setup.annotator)
    status_url = f"/api/images/{image.id}/status/"
    part = client_for(project_setup.annotator).post(status_url, {"status": "done"}, format="json")
    assert part.status_code == 200 and part.data["status"] == "in_progress"
    assert work_of(project_setup.annotator, project_setup) == [] and work_of(bob, project_setup) == [image.id]
    whole = client_for(bob).post(status_url, {"status": "done"}, format="json")
    assert whole.data["status"] == "done"
    again = client_for(bob).post(status_url, {"status": "done"}, format="json")
    assert again.status_code == 409 and again.data["code"] == "already_done"
    history = client_for(project_setup.admin).get(f"/api/images/{image.id}/history/").data["results"]
    assert [(h["before"], h["after"], h["user"]) for h in history] == [
        ("new", "in_progress", project_setup.annotator.username),
        ("in_progress", "done", bob.username),
    ]


def test_review_sends_an_image_back_into_its_annotators_queue(project_setup: ProjectSetup) -> None:
    assigned_project(project_setup)
    (image,) = images(project_setup, 1)
    assign(project_setup, project_setup.annotator, images=[image.id])
    status_url = f"/api/images/{image.id}/status/"
    annotator, admin = client_for(project_setup.annotator), client_for(project_setup.admin)
    early = admin.post(status_url, {"status": "accepted"}, format="json")
    assert early.status_code == 409 and early.data["code"] == "not_done"
    annotator.post(status_url, {"status": "done"}, format="json")
    sent_back = admin.post(status_url, {"status": "needs_fixes", "note": "the left edge"}, format="json")
    assert sent_back.data["status"] == "needs_fixes"
    assert work_of(project_setup.annotator, project_setup) == [image.id]
    annotator.post(status_url, {"status": "done"}, format="json")
    assert admin.post(status_url, {"status": "accepted"}, format="json").data["status"] == "accepted"
    assert work_of(project_setup.annotator, project_setup) == []
    taken_back = annotator.post(status_url, {"status": "in_progress"}, format="json")
    assert (taken_back.status_code, taken_back.data["code"]) == (
        403,
        "forbidden",
    )  # a verdict is the reviewer's
    assert admin.post(status_url, {"status": "in_progress"}, format="json").data["status"] == "in_progress"
    assert work_of(project_setup.annotator, project_setup) == [image.id]
    notes = list(ImageStatusChange.objects.filter(image=image).values_list("after", "note"))
    assert ("needs_fixes", "the left edge") in notes and notes[-2][0] == "accepted"


def test_taking_images_back_keeps_what_was_saved_and_finishes_what_the_others_finished(
    project_setup: ProjectSetup,
) -> None:
    assigned_project(project_setup)
    (image,) = images(project_setup, 1)
    bob = another_annotator(project_setup)
    assign(project_setup, project_setup.annotator, images=[image.id])
    assign(project_setup, bob, images=[image.id])
    saved = save_object(image, project_setup.label_class, project_setup.annotator)
    client_for(bob).post(f"/api/images/{image.id}/status/", {"status": "done"}, format="json")
    url = f"/api/projects/{project_setup.project.id}/assignments/remove/"
    taken = client_for(project_setup.admin).post(
        url, {"user": project_setup.annotator.id, "images": [image.id]}, format="json"
    )
    assert taken.status_code == 200 and taken.data["count"] == 1
    assert Annotation.objects.filter(id=saved.id).exists()
    image.refresh_from_db()
    assert image.status == ImageStatus.DONE  # the one assignee left had finished
    assert work_of(project_setup.annotator, project_setup) == []


def test_assignments_for_some_classes_limit_what_the_annotator_is_shown_as(
    project_setup: ProjectSetup,
) -> None:
    assigned_project(project_setup)
    (image,) = images(project_setup, 1)
    other_class = LabelClassFactory(project=project_setup.project, name="tree")
    response = assign(project_setup, project_setup.annotator, images=[image.id], classes=[other_class.id])
    assert response.status_code == 200
    listed = (
        client_for(project_setup.admin).get(f"/api/projects/{project_setup.project.id}/assignments/").data
    )
    assert [(a["image"], a["username"], a["classes"]) for a in listed["results"]] == [
        (image.id, project_setup.annotator.username, [other_class.id])
    ]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"images": "{foreign}"}, "unknown_image"),
        ({"images": [999999]}, "unknown_image"),
        ({"images": "{mine}", "classes": [999999]}, "unknown_class"),
        ({"images": "{mine}", "count": 2}, "invalid"),
        ({}, "invalid"),
        ({"count": 0}, "invalid"),
    ],
    ids=[
        "another project's image",
        "no such image",
        "no such class",
        "both images and count",
        "neither",
        "none",
    ],
)
def test_assigning_wrongly_is_refused_and_assigns_nothing(
    project_setup: ProjectSetup, body: dict[str, Any], code: str
) -> None:
    (mine,) = images(project_setup, 1)
    foreign_project = ProjectFactory()
    foreign, _ = upload_scene(foreign_project, foreign_project.created_by, width=40, height=30, seed=9)
    ids = {"{mine}": [mine.id], "{foreign}": [mine.id, foreign.id]}
    body = {key: ids.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    response = assign(project_setup, project_setup.annotator, **body)
    assert (response.status_code, response.data["code"]) == (400, code)
    assert not ImageAssignment.objects.exists()


def test_someone_outside_the_project_cannot_be_given_images(project_setup: ProjectSetup) -> None:
    (image,) = images(project_setup, 1)
    response = assign(project_setup, project_setup.outsider, images=[image.id])
    assert (response.status_code, response.data["code"]) == (400, "unknown_member")
    assert not ImageAssignment.objects.exists()


def test_previous_and_next_move_along_my_queue_and_skip_what_others_finished(
    project_setup: ProjectSetup,
) -> None:
    first, second, third, fourth = images(project_setup, 4)  # an open project: everything is in the queue
    annotator = client_for(project_setup.annotator)
    around_url = f"/api/projects/{project_setup.project.id}/work/around/"

    def around(image: ImageAsset) -> tuple[int | None, int | None, int]:
        data = annotator.get(around_url, {"image": image.id}).data
        return data["previous"], data["next"], data["remaining"]

    assert around(second) == (first.id, third.id, 4)
    client_for(project_setup.admin).post(f"/api/images/{third.id}/status/", {"status": "done"}, format="json")
    assert around(second) == (first.id, fourth.id, 3)
    assert around(fourth) == (second.id, first.id, 3)  # wraps round to an image skipped earlier
    bad = annotator.get(around_url, {"image": "x"})
    assert (bad.status_code, bad.data["code"]) == (400, "invalid_filter")


def test_on_demand_an_annotator_takes_the_next_unassigned_image(project_setup: ProjectSetup) -> None:
    first, second = images(project_setup, 2)
    take_url = f"/api/projects/{project_setup.project.id}/work/take/"
    annotator = client_for(project_setup.annotator)
    refused = annotator.post(take_url)
    assert (refused.status_code, refused.data["code"]) == (409, "not_on_demand")
    project_setup.project.assignment = Assignment.ON_DEMAND
    project_setup.project.save()
    assert annotator.post(take_url).data["id"] == first.id
    assert annotator.post(take_url).data["id"] == second.id
    empty = annotator.post(take_url)
    assert (empty.status_code, empty.data["code"]) == (409, "nothing_to_take")
    assert work_of(project_setup.annotator, project_setup) == [first.id, second.id]


def test_the_image_list_is_paged_filtered_and_sorted_on_the_server(project_setup: ProjectSetup) -> None:
    all_images = images(project_setup, 5)
    save_object(all_images[2], project_setup.label_class, project_setup.admin)
    save_object(all_images[2], project_setup.label_class, project_setup.admin, at=14)
    save_object(all_images[4], project_setup.label_class, project_setup.admin)
    assign(project_setup, project_setup.annotator, images=[all_images[0].id])
    admin = client_for(project_setup.admin)
    url = f"/api/projects/{project_setup.project.id}/images/"
    page = admin.get(url, {"page_size": 2, "page": 2}).data
    assert page["count"] == 5 and [i["id"] for i in page["results"]] == [all_images[2].id, all_images[3].id]
    assert page["results"][0]["annotation_count"] == 2
    ids = lambda **params: [i["id"] for i in admin.get(url, params).data["results"]]  # noqa: E731
    assert ids(status="in_progress") == [all_images[2].id, all_images[4].id]
    assert ids(has_objects="false") == [all_images[0].id, all_images[1].id, all_images[3].id]
    assert ids(ordering="-objects")[:2] == [all_images[2].id, all_images[4].id]
    assert ids(assignee=str(project_setup.annotator.id)) == [all_images[0].id]
    assert ids(assignee="none") == [image.id for image in all_images[1:]]
    assert ids(name="scene3") == [all_images[3].id]
    for params in (
        {"status": "finished"},
        {"assignee": "ana"},
        {"ordering": "size"},
        {"has_objects": "maybe"},
    ):
        bad = admin.get(url, params)
        assert (bad.status_code, bad.data["code"]) == (400, "invalid_filter"), params
    past_the_end = admin.get(url, {"page": 9})
    assert past_the_end.status_code == 404 and past_the_end.data["code"] == "not_found"


def test_giving_a_finished_image_to_someone_new_opens_it_again(project_setup: ProjectSetup) -> None:
    assigned_project(project_setup)
    first, second = images(project_setup, 2)
    assign(project_setup, project_setup.annotator, images=[first.id, second.id])
    for image in (first, second):
        client_for(project_setup.annotator).post(
            f"/api/images/{image.id}/status/", {"status": "done"}, format="json"
        )
    bob = another_annotator(project_setup)
    assert assign(project_setup, bob, images=[first.id]).data["assigned"] == [first.id]
    statuses = dict(ImageAsset.objects.values_list("id", "status"))
    assert statuses == {first.id: ImageStatus.IN_PROGRESS, second.id: ImageStatus.DONE}
    assert work_of(bob, project_setup) == [first.id]
    assert ImageStatusChange.objects.filter(image=first).last().note == f"assigned to {bob.username}"  # type: ignore[union-attr]
