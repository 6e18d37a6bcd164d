"""Test data: users, projects with memberships, classes, and uploaded synthetic images."""

from __future__ import annotations

import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from annotator.images.models import ImageAsset
from annotator.images.services import image_upload
from annotator.projects.models import LabelClass, Membership, Project, Role
from inference.synthetic import Scene, make_scene

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    created_by = factory.SubFactory(UserFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ANNOTATOR


class LabelClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabelClass

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"class{n}")
    colour = "#1e90ff"


def png_bytes(image: object, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format=fmt)  # type: ignore[arg-type]
    return buffer.getvalue()


def upload_scene(
    project: Project, user: object, *, width: int = 160, height: int = 120, objects: int = 1, seed: int = 0
) -> tuple[ImageAsset, Scene]:
    """Upload a synthetic scene through the real service; returns the asset and its truth."""
    scene = make_scene(width, height, objects=objects, seed=seed)
    upload = SimpleUploadedFile(f"scene{seed}.png", png_bytes(scene.image), content_type="image/png")
    return image_upload(project=project, uploader=user, upload=upload), scene  # type: ignore[arg-type]
