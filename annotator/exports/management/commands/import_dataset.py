"""Import into a project from the command line, with a progress bar (the same importers as the
page's imports)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotator.common.errors import DomainError
from annotator.exports.import_services import import_from
from annotator.exports.models import ImportFormat
from annotator.projects.models import Membership, Project, Role


class Command(BaseCommand):
    help = (
        "Import into PROJECT_ID: COCO instances (--annotations FILE, or the JSON inside --images) with "
        "their images, a Maskloop archive, or images alone (--images DIR_OR_ZIP)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("project_id", type=int)
        parser.add_argument("--format", required=True, choices=ImportFormat.values)
        parser.add_argument("--images", required=True, type=Path, help="a folder or a zip")
        parser.add_argument(
            "--annotations", type=Path, help="the COCO instances JSON, when not inside --images"
        )
        parser.add_argument("--as-user", help="whose import it is (default: the project's first admin)")

    def handle(self, *args: Any, **options: Any) -> None:
        project = Project.objects.filter(id=options["project_id"]).first()
        if project is None:
            raise CommandError(f"No project has the id {options['project_id']}.")
        if options["as_user"]:
            user = get_user_model().objects.filter(username=options["as_user"]).first()
        else:
            admin = Membership.objects.filter(project=project, role=Role.ADMIN).select_related("user").first()
            user = admin.user if admin is not None else None
        if user is None:
            raise CommandError("Name the importing user with --as-user.")
        for path in (options["images"], options["annotations"]):
            if path is not None and not path.exists():
                raise CommandError(f"{path} does not exist.")
        with tqdm(unit="image", desc=f"import {options['format']}") as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                report = import_from(
                    project=project, user=user, format=options["format"], images=options["images"],
                    annotations=options["annotations"], progress=progress,
                )  # fmt: skip
            except DomainError as error:
                raise CommandError(f"{error.detail} ({error.code})") from error
        self.stdout.write(json.dumps(report, indent=2))
