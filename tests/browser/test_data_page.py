"""The data page in headless Chromium: an admin imports a COCO zip (images and instances JSON),
exports the project as COCO and downloads the zip; the download holds every object; an export
of the images selected on the project page holds only theirs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pycocotools.coco import COCO

from tests.annotator.exports.datasets import coco_dataset, write_json
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_imports_and_exports_a_dataset_from_the_page(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
    eager_tasks: None,
    tmp_path: Path,
) -> None:
    data = coco_dataset(tmp_path / "source", count=2)
    upload = tmp_path / "dataset.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        for path in data.images.iterdir():
            archive.write(path, f"images/{path.name}")
        archive.write(write_json(tmp_path / "instances.json", data.document), "annotations/instances.json")
    result = run_served_flow(
        "data_flow.mjs", project_setup.admin.username, project_setup.project.id,
        IMPORT_ZIP=upload, DOWNLOAD_DIR=tmp_path,
    )  # fmt: skip
    assert result["importReport"].startswith(
        f"2 images added, 0 already there, 0 refused · {len(data.masks)} objects added"
    )
    assert result["exportReport"].startswith(f"2 images, {len(data.masks)} objects")
    assert result["suggestedName"].endswith(".zip")
    with zipfile.ZipFile(tmp_path / "export.zip") as archive:
        archive.extractall(tmp_path / "export")
    coco = COCO(str(tmp_path / "export" / "annotations" / "instances_default.json"))
    exported = sorted(coco.annToMask(a).astype(bool).tobytes() for a in coco.dataset["annotations"])
    assert exported == sorted(m.tobytes() for m in data.masks.values())
    assert result["downloaded"] == (tmp_path / "export.zip").stat().st_size > 0
    # "Export selected" on the project page: only the first image (in upload order) and its objects.
    first = data.document["images"][0]["id"]
    on_first = sum(1 for a in data.document["annotations"] if a["image_id"] == first)
    assert "Only the 1 image selected on the project page" in result["chosenNote"]
    assert result["chosenReport"].startswith(f"1 image, {on_first} objects")
