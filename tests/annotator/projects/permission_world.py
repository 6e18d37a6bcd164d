"""A project to test permissions in: a project that hands images out, one member of each role
(the actor is one of them, or an outsider, or nobody logged in), a colleague annotator, images
assigned to the actor (``mine``) and to the colleague (``theirs``), finished and accepted ones,
objects the actor and the colleague made on the actor's image, deleted ones, an unassigned
image, a pending invitation, a stored replay check, a review comment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from annotator.adaptation.models import ReplayCheck
from annotator.annotations.models import Annotation
from annotator.exports.models import ExportJob, ImportJob
from annotator.images.models import ImageAsset, ImageAssignment, ImageStatus
from annotator.projects.models import Assignment, Invitation, LabelClass, Project, Role
from annotator.review.models import ReviewComment
from tests.factories import LabelClassFactory, MembershipFactory, ProjectFactory, UserFactory, upload_scene
from tests.saved_objects import save_object

IMAGES = ("mine", "theirs", "done", "accepted", "finished_mine", "finished_theirs", "free", "deleted")


@dataclass
class World:
    project: Project
    actor: User | None  # None: anonymous
    colleague: User
    label_class: LabelClass
    classes: dict[str, LabelClass]
    images: dict[str, ImageAsset]
    objects: dict[str, Annotation]
    invitation: Invitation
    replay: ReplayCheck
    comment: ReviewComment
    export: ExportJob
    imported: ImportJob


def _assign(image: ImageAsset, user: User, by: User, *, done: bool = False) -> None:
    ImageAssignment.objects.create(
        image=image, user=user, assigned_by=by, done_at=timezone.now() if done else None
    )


def _object(image: ImageAsset, label_class: LabelClass, author: User, *, deleted: bool = False) -> Annotation:
    annotation = save_object(image, label_class, author)
    if deleted:
        Annotation.all_objects.filter(id=annotation.id).update(deleted_at=timezone.now(), deleted_by=author)
    return annotation


def _actor(actor_role: str, members: dict[str, User]) -> User | None:
    if actor_role == "anonymous":
        return None
    if actor_role == "outsider":
        return UserFactory()
    return members[actor_role]


def build_world(actor_role: str) -> World:
    """``actor_role``: a role, ``"outsider"`` (a user of no project role) or ``"anonymous"``."""
    admin = UserFactory()
    project = ProjectFactory(created_by=admin, assignment=Assignment.ASSIGNED)
    members = {Role.ADMIN.value: admin}
    MembershipFactory(project=project, user=admin, role=Role.ADMIN)
    for role in (Role.MANAGER, Role.REVIEWER, Role.ANNOTATOR):
        members[role.value] = MembershipFactory(project=project, role=role).user
    colleague = MembershipFactory(project=project, role=Role.ANNOTATOR).user
    actor = _actor(actor_role, members)
    acting = actor or members[Role.ANNOTATOR]
    label_class = LabelClassFactory(project=project, name="shape")
    classes = {
        "unused": LabelClassFactory(project=project, name="sky"),
        "deleted": LabelClassFactory(project=project, name="gone", deleted_at=timezone.now()),
    }
    images = {
        name: upload_scene(project, admin, width=48, height=32, seed=seed)[0]
        for seed, name in enumerate(IMAGES)
    }
    _assign(images["mine"], acting, admin)
    _assign(images["mine"], colleague, admin)
    _assign(images["theirs"], colleague, admin)
    _assign(images["finished_mine"], acting, admin, done=True)
    # Reviewing the actor's own finished work is still a review: an annotator may not.
    _assign(images["done"], acting, admin, done=True)
    _assign(images["accepted"], acting, admin, done=True)
    _assign(images["finished_theirs"], colleague, admin, done=True)
    finished = ("done", "finished_mine", "finished_theirs")
    ImageAsset.objects.filter(id__in=[images[name].id for name in finished]).update(status=ImageStatus.DONE)
    ImageAsset.objects.filter(id=images["accepted"].id).update(status=ImageStatus.ACCEPTED)
    ImageAsset.objects.filter(id=images["deleted"].id).update(deleted_at=timezone.now())
    objects = {
        "mine": _object(images["mine"], label_class, acting),
        "theirs": _object(images["mine"], label_class, colleague),
        "deleted_mine": _object(images["mine"], label_class, acting, deleted=True),
        "deleted_theirs": _object(images["mine"], label_class, colleague, deleted=True),
        "on_done": _object(images["done"], label_class, colleague),
    }
    comment = ReviewComment.objects.create(image=images["done"], author=admin, text="a note")
    export = ExportJob.objects.create(project=project, created_by=admin, format="coco", state="done")
    export.file.save("export.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    imported = ImportJob.objects.create(
        project=project, created_by=admin, format="images", upload="imports/none.zip"
    )
    invitation = Invitation.objects.create(
        project=project, role=Role.ANNOTATOR, token_digest="0" * 64, created_by=admin,
        expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    replay = ReplayCheck.objects.create(
        label_class=label_class, current_version=0, candidate_version=0, objects_requested=1, max_clicks=20
    )
    return World(
        project,
        actor,
        colleague,
        label_class,
        classes,
        images,
        objects,
        invitation,
        replay,
        comment,
        export,
        imported,
    )


def archive(world: World) -> None:
    Project.objects.filter(id=world.project.id).update(archived_at=timezone.now())
