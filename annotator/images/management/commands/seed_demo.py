"""Create the demo user and a demo project with generated sample images (idempotent)."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from PIL import Image

from annotator.images.services import image_upload
from annotator.projects.models import Project
from annotator.projects.services import label_class_create, project_create
from inference.synthetic import make_scene

DEMO_PROJECT = "Demo: shapes"
SAMPLES = [(1024, 768, 3, 1), (1280, 960, 2, 2), (800, 600, 4, 3)]


class Command(BaseCommand):
    help = "Create the demo user (demo/demo) and a demo project with generated sample images."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default="demo")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(username=options["username"])
        if created:
            user.set_password(options["password"])
        if created or not user.is_staff:
            user.is_staff = True  # the demo user creates projects and accounts
            user.save()
        if Project.objects.filter(name=DEMO_PROJECT, memberships__user=user).exists():
            self.stdout.write(f"Demo project already there; log in as {user.get_username()}.")
            return
        project = project_create(creator=user, name=DEMO_PROJECT, description="Generated sample images.")
        for name in ("shape", "background thing"):
            label_class_create(project=project, name=name)
        for index, (width, height, objects, seed) in enumerate(SAMPLES, start=1):
            scene = make_scene(width, height, objects=objects, seed=seed)
            buffer = io.BytesIO()
            Image.fromarray(scene.image).save(buffer, format="JPEG", quality=92)
            upload = SimpleUploadedFile(f"sample_{index}.jpg", buffer.getvalue(), content_type="image/jpeg")
            image_upload(project=project, uploader=user, upload=upload)
        self.stdout.write(
            f"Created project {project.name!r} with {len(SAMPLES)} images; "
            f"log in as {user.get_username()} / {options['password']}."
        )
