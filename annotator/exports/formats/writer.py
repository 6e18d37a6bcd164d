"""What every export format writes through: a zip file on disk, entry by entry (nothing of the
archive is held in memory), the export's report, and its progress."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.annotations.models import Annotation
from annotator.exports import selection
from annotator.images.models import ImageAsset
from annotator.projects.models import LabelClass, Project

Progress = Callable[[int, int], None]
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class ExportWriter:
    def __init__(self, project: Project, chosen: selection.Selection, path: Path, progress: Progress) -> None:
        self.project = project
        self.selection = chosen
        self.path = path
        self.progress = progress
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.report: dict[str, Any] = {"images": 0, "objects": 0, "notes": []}
        self.classes: list[LabelClass] = selection.export_classes(project=project, selection=chosen)
        self.sets = selection.split(project=project, selection=chosen)

    def close(self) -> None:
        self.zip.close()

    @staticmethod
    def name(image: ImageAsset) -> str:
        """The image's file name in the export: unique (its id first) and safe on any system."""
        cleaned = UNSAFE.sub("_", Path(image.original_name).name).strip("._") or "image"
        return f"{image.id:06d}_{cleaned}"

    @staticmethod
    def stem(image: ImageAsset) -> str:
        return Path(ExportWriter.name(image)).stem

    def images(self) -> Iterator[tuple[ImageAsset, list[Annotation]]]:
        """Every selected image with its selected objects, counting progress as it goes."""
        total = len(self.sets)
        done = 0
        for batch in selection.export_batches(project=self.project, selection=self.selection):
            for image, objects in batch:
                yield image, objects
                done += 1
                self.report["images"] = done
                self.report["objects"] += len(objects)
                self.progress(done, total)

    def copy_image(self, image: ImageAsset, arcname: str) -> None:
        """The image's file as uploaded, streamed into the zip (stored: images are compressed)."""
        info = zipfile.ZipInfo(arcname, date_time=image.created_at.timetuple()[:6])
        info.compress_type = zipfile.ZIP_STORED
        with image.file.open("rb") as source, self.zip.open(info, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, 1024 * 1024)

    def write_bytes(self, arcname: str, data: bytes) -> None:
        self.zip.writestr(arcname, data)

    def write_json_stream(self, arcname: str, head: dict[str, Any], arrays: dict[str, Iterable[Any]]) -> None:
        """A JSON object written as it is made: ``head``'s keys, then each array of ``arrays``
        item by item, so an array of any length never sits in memory whole."""
        with self.zip.open(arcname, "w", force_zip64=True) as raw:
            out = _Text(raw)
            out.write("{" + json.dumps(head)[1:-1])
            first_key = not head
            for key, items in arrays.items():
                out.write(("" if first_key else ", ") + json.dumps(key) + ": [")
                first_key = False
                for index, item in enumerate(items):
                    out.write(("," if index else "") + "\n" + json.dumps(item, separators=(",", ":")))
                out.write("]")
            out.write("}\n")

    def note(self, message: str, **details: Any) -> None:
        """Something the export did not carry over exactly, for its report (at most 1,000
        listed; the count is always right)."""
        notes: list[dict[str, Any]] = self.report["notes"]
        self.report["noted"] = self.report.get("noted", 0) + 1
        if len(notes) < 1000:
            notes.append({"message": message, **details})


class _Text:
    """UTF-8 text onto a binary stream."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def write(self, text: str) -> None:
        self.raw.write(text.encode("utf-8"))
