"""The Maskloop archive restores a project elsewhere without loss: classes, images with their
status and history, every revision of every object with who and when, verdicts, comments and
finished reviews; and a restore that cannot be whole writes nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from annotator.annotations.models import Annotation, AnnotationRevision
from annotator.annotations.services import annotation_delete, annotation_relabel
from annotator.common.errors import InvalidInput
from annotator.exports.import_services import import_from
from annotator.exports.selection import Selection
from annotator.exports.services import export_to
from annotator.images.models import ImageAsset, ImageStatusChange
from annotator.images.status import image_finish
from annotator.projects.models import LabelClass, Project
from annotator.review.models import ObjectReview, ReviewComment, ReviewRound
from annotator.review.services import comment_add, object_verdict, review_finish
from tests.conftest import ProjectSetup
from tests.factories import LabelClassFactory, ProjectFactory, UserFactory, upload_scene
from tests.saved_objects import save_object

pytestmark = pytest.mark.django_db


def a_project_with_history(setup: ProjectSetup) -> None:
    """Objects with several revisions, one deleted, a reviewed image with comments."""
    first, _ = upload_scene(setup.project, setup.admin, seed=1)
    second, _ = upload_scene(setup.project, setup.admin, seed=2)
    tree = LabelClassFactory(project=setup.project, name="tree", colour="#00aa00")
    kept = save_object(first, setup.label_class, setup.annotator)
    annotation_relabel(annotation=kept, label_class=tree, user=setup.admin, base=1)
    gone = save_object(first, setup.label_class, setup.annotator, at=30)
    annotation_delete(annotation=gone, user=setup.annotator)
    reviewed = save_object(second, setup.label_class, setup.annotator)
    image_finish(image=second, user=setup.annotator)
    object_verdict(
        annotation=reviewed, reviewer=setup.admin, verdict="rejected", comment="too wide", x=5.0, y=6.0
    )
    comment_add(image=second, author=setup.admin, text="look again")
    review_finish(image=second, reviewer=setup.admin)


def snapshot(project_id: int) -> dict[str, Any]:
    """Everything a restore must give back, without ids (they differ between projects)."""
    images = ImageAsset.all_objects.filter(project_id=project_id).order_by("checksum")
    objects = Annotation.all_objects.filter(project_id=project_id).order_by("created_at", "id")
    return {
        "classes": sorted(LabelClass.all_objects.filter(project_id=project_id).values_list("name", "colour")),
        "images": [(i.checksum, i.status, i.original_name, i.created_at) for i in images],
        "history": sorted(
            ImageStatusChange.objects.filter(image__project_id=project_id).values_list(
                "image__checksum", "before", "after", "user__username", "note", "created_at"
            )
        ),
        "objects": [
            (
                a.image.checksum,
                a.author.username,
                a.revision,
                a.mask,
                a.label_class.name,
                a.created_at,
                a.deleted_at,
                list(
                    a.revisions.order_by("number").values_list(
                        "number", "kind", "mask", "label_class__name", "user__username", "created_at"
                    )
                ),
                list(a.reviews.values_list("revision", "verdict", "reviewer__username", "created_at")),
            )
            for a in objects
        ],  # fmt: skip
        "comments": sorted(
            ReviewComment.objects.filter(image__project_id=project_id).values_list(
                "text", "x", "y", "author__username"
            )
        ),
        "rounds": list(
            ReviewRound.objects.filter(image__project_id=project_id).values_list(
                "outcome", "accepted", "rejected"
            )
        ),
    }


def archive_of(project: Project, path: Path) -> dict[str, Any]:
    """Export ``project`` as a Maskloop archive at ``path``; returns the export's report."""
    return export_to(
        project=project, format="maskloop", selection=Selection(), path=path, progress=lambda d, t: None
    )


def restore(project: Project, archive: Path) -> dict[str, Any]:
    """Import ``archive`` into ``project`` as its creator; returns the import's report."""
    return import_from(
        project=project, user=project.created_by, format="maskloop", images=archive, annotations=None,
        progress=lambda d, t: None,
    )  # fmt: skip


def test_an_archive_restores_the_project_without_loss(project_setup: ProjectSetup, tmp_path: Path) -> None:
    a_project_with_history(project_setup)
    archive = tmp_path / "project.zip"
    report = archive_of(project_setup.project, archive)
    assert report["images"] == 2 and report["objects"] == 3
    elsewhere = ProjectFactory()
    restored = restore(elsewhere, archive)
    assert restored["images_added"] == 2 and restored["objects_added"] == 3 and restored["refused"] == []
    before, after = snapshot(project_setup.project.id), snapshot(elsewhere.id)
    assert after["classes"] == sorted([*before["classes"]])
    for key in ("images", "history", "objects", "comments", "rounds"):
        assert after[key] == before[key], key
    assert ObjectReview.objects.filter(image__project=elsewhere).count() == 1


def test_people_the_site_does_not_know_stay_named_and_cannot_log_in(
    project_setup: ProjectSetup, tmp_path: Path
) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin)
    save_object(image, project_setup.label_class, UserFactory(username="visiting-annotator"))
    archive = tmp_path / "project.zip"
    archive_of(project_setup.project, archive)
    # Elsewhere, nobody is called that: the account here is renamed.
    get_user_model().objects.filter(username="visiting-annotator").update(username="someone-else")
    elsewhere = ProjectFactory()
    restore(elsewhere, archive)
    author = Annotation.objects.get(project=elsewhere).author
    assert (
        author.username == "visiting-annotator" and not author.is_active and not author.has_usable_password()
    )


def test_a_restore_that_cannot_be_whole_writes_nothing(project_setup: ProjectSetup, tmp_path: Path) -> None:
    a_project_with_history(project_setup)
    archive = tmp_path / "project.zip"
    archive_of(project_setup.project, archive)
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(broken, "w") as target:
        names = source.namelist()
        lost = next(n for n in names if n.startswith("images/") and n.endswith("scene2.png"))
        for name in names:
            if name != lost:
                target.writestr(name, source.read(name))
    elsewhere = ProjectFactory()
    with pytest.raises(InvalidInput, match="scene2.png: its file is not in the images given") as refused:
        restore(elsewhere, broken)
    assert refused.value.code == "archive_refused"
    assert not ImageAsset.all_objects.filter(project=elsewhere).exists()
    assert not LabelClass.all_objects.filter(project=elsewhere).exists()
    assert not AnnotationRevision.objects.filter(annotation__project=elsewhere).exists()
