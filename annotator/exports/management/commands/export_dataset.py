"""Export a project's dataset from the command line, with a progress bar (the same writers as the
page's exports)."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotator.common.errors import DomainError
from annotator.exports.models import ExportFormat
from annotator.exports.selection import Selection, check_selection
from annotator.exports.services import export_to
from annotator.projects.models import Project


class Command(BaseCommand):
    help = "Export PROJECT_ID as COCO, COCO polygons, VOC, YOLO, mattes or an archive (a zip or a folder)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("project_id", type=int)
        parser.add_argument("--format", required=True, choices=ExportFormat.values)
        parser.add_argument(
            "--output", required=True, type=Path, help="a .zip file, or a folder to unpack into"
        )
        parser.add_argument("--status", nargs="*", default=[], help="only images of these statuses")
        parser.add_argument(
            "--classes", nargs="*", default=[], help="only objects of these class names or ids"
        )
        parser.add_argument("--val-fraction", type=float, default=0.0, help="share of images in a val set")
        parser.add_argument("--seed", type=int, default=0, help="the split's draw")

    def handle(self, *args: Any, **options: Any) -> None:
        project = Project.objects.filter(id=options["project_id"]).first()
        if project is None:
            raise CommandError(f"No project has the id {options['project_id']}.")
        try:
            selection = Selection.parse(
                {
                    "statuses": options["status"],
                    "classes": [self._class_id(project, c) for c in options["classes"]],
                    "val_fraction": options["val_fraction"],
                    "seed": options["seed"],
                }
            )
            check_selection(project=project, selection=selection)
            output: Path = options["output"]
            with tempfile.TemporaryDirectory() as scratch, tqdm(unit="image", desc=options["format"]) as bar:
                built = Path(scratch) / "export.zip"

                def progress(done: int, total: int) -> None:
                    bar.total = total
                    bar.update(done - bar.n)

                report = export_to(
                    project=project,
                    format=options["format"],
                    selection=selection,
                    path=built,
                    progress=progress,
                )
                if output.suffix.lower() == ".zip":
                    output.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(str(built), output)
                else:
                    with zipfile.ZipFile(built) as archive:
                        archive.extractall(output)
        except DomainError as error:
            raise CommandError(f"{error.detail} ({error.code})") from error
        self.stdout.write(json.dumps(report, indent=2))
        self.stdout.write(f"Written to {output}")

    @staticmethod
    def _class_id(project: Project, name_or_id: str) -> int:
        if name_or_id.isascii() and name_or_id.isdigit():
            return int(name_or_id)
        found = project.label_classes.filter(name__iexact=name_or_id).first()
        if found is None:
            raise CommandError(f"The project has no class {name_or_id!r}.")
        return found.id
