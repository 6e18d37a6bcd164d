"""Bad imports: a file that is not COCO or whose categories clash is refused before anything is
written; otherwise image by image, an image with a bad object (outside it, empty, of an unknown
category), a missing file or a file that is not an image is refused whole, the report says
which and why, and the rest is imported; the same import twice adds nothing the second time."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path
from typing import Any

import pytest

from annotator.annotations.models import Annotation, AnnotationRevision
from annotator.common.errors import InvalidInput
from annotator.exports.import_services import import_from
from annotator.images.models import ImageAsset
from annotator.projects.models import LabelClass
from tests.annotator.exports.datasets import coco_dataset, write_json
from tests.conftest import ProjectSetup

pytestmark = pytest.mark.django_db


def run(
    setup: ProjectSetup, tmp_path: Path, images: Path, document: Any, name: str = "in.json"
) -> dict[str, Any]:
    path = tmp_path / name
    path.write_text(document) if isinstance(document, str) else write_json(path, document)
    return import_from(
        project=setup.project,
        user=setup.admin,
        format="coco",
        images=images,
        annotations=path,
        progress=lambda d, t: None,
    )


def nothing_written(setup: ProjectSetup) -> bool:
    return not (
        ImageAsset.all_objects.filter(project=setup.project).exists()
        or Annotation.all_objects.filter(project=setup.project).exists()
        or LabelClass.objects.filter(project=setup.project).exclude(id=setup.label_class.id).exists()
    )


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        (lambda d: "{not json", "malformed_json"),
        (lambda d: {**d, "images": "none"}, "malformed_coco"),
        (lambda d: {**d, "images": [{"id": 1, "file_name": 3}]}, "malformed_coco"),
        (lambda d: {**d, "categories": [*d["categories"], {"id": 11, "name": "Shape"}]}, "category_clash"),
    ],
    ids=["not JSON", "no image list", "a malformed image", "two categories of one name"],
)
def test_a_file_that_cannot_be_read_whole_is_refused_before_anything_is_written(
    project_setup: ProjectSetup, tmp_path: Path, spoil: Any, code: str
) -> None:
    data = coco_dataset(tmp_path / "source")
    with pytest.raises(InvalidInput) as refused:
        run(project_setup, tmp_path, data.images, spoil(copy.deepcopy(data.document)))
    assert refused.value.code == code and refused.value.detail
    assert nothing_written(project_setup)


def test_bad_images_are_refused_whole_and_the_report_says_why(
    project_setup: ProjectSetup, tmp_path: Path
) -> None:
    data = coco_dataset(tmp_path / "source")
    document = copy.deepcopy(data.document)
    images = document["images"]
    (data.images / images[1]["file_name"]).write_bytes(b"this is not an image")
    (data.images / images[2]["file_name"]).unlink()
    outside = next(a for a in document["annotations"] if a["image_id"] == images[3]["id"])
    outside["segmentation"] = [[100.0, 80.0, 140.0, 80.0, 140.0, 95.0]]  # leaves the 120x90 image
    document["annotations"].append(
        {"id": 999, "image_id": 12345, "category_id": 7, "segmentation": [[1, 1, 5, 1, 5, 5]]}
    )
    report = run(project_setup, tmp_path, data.images, document)
    refused = {r.get("image", r.get("object")): r["reason"] for r in report["refused"]}
    assert refused == {
        999: "its image 12345 is not in the file",
        images[1]["file_name"]: refused[images[1]["file_name"]],
        images[2]["file_name"]: "its file is not in the images given",
        images[3]["file_name"]: f"object {outside['id']}: a polygon leaves the 120x90 image",
    }
    assert (
        "could not be read as an image" in refused[images[1]["file_name"]]
        or "image" in refused[images[1]["file_name"]]
    )
    assert (report["images_added"], report["images_refused"], report["objects_refused"]) == (1, 3, 1)
    kept = ImageAsset.objects.get(project=project_setup.project)
    assert kept.original_name == images[0]["file_name"]
    expected = [a for a in data.document["annotations"] if a["image_id"] == images[0]["id"]]
    assert Annotation.objects.filter(image=kept).count() == report["objects_added"] == len(expected)
    assert set(AnnotationRevision.objects.values_list("kind", flat=True)) == {"imported"}
    names = LabelClass.objects.filter(project=project_setup.project).values_list("name", flat=True)
    assert sorted(names) == ["ring", "shape"]


def test_an_empty_mask_or_a_mask_of_another_size_refuses_its_image(
    project_setup: ProjectSetup, tmp_path: Path
) -> None:
    data = coco_dataset(tmp_path / "source", count=2)
    document = copy.deepcopy(data.document)
    first, second = document["images"]
    wrong = next(a for a in document["annotations"] if a["image_id"] == first["id"])
    wrong["segmentation"] = {"size": [10, 10], "counts": wrong["segmentation"]["counts"]}
    empty = next(a for a in document["annotations"] if a["image_id"] == second["id"])
    empty["segmentation"] = {"size": [90, 120], "counts": [90 * 120]}
    report = run(project_setup, tmp_path, data.images, document)
    reasons = sorted(r["reason"] for r in report["refused"])
    assert reasons == [
        f"object {wrong['id']}: its mask is [10, 10], the image 90x120",
        f"object {empty['id']}: its mask is empty",
    ]
    assert nothing_written(project_setup)


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    project_setup: ProjectSetup, tmp_path: Path
) -> None:
    data = coco_dataset(tmp_path / "source", count=2)
    first = run(project_setup, tmp_path, data.images, data.document)
    again = run(project_setup, tmp_path, data.images, data.document, name="again.json")
    assert (first["images_added"], first["objects_added"]) == (2, len(data.masks))
    assert (again["images_added"], again["images_already_there"], again["objects_added"]) == (0, 2, 0)
    assert again["objects_already_there"] == len(data.masks)
    assert Annotation.objects.filter(project=project_setup.project).count() == len(data.masks)


def test_images_alone_are_a_bulk_upload_with_the_same_checks(
    project_setup: ProjectSetup, tmp_path: Path
) -> None:
    data = coco_dataset(tmp_path / "coco", count=3)
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(data.images.iterdir()):
            out.write(path, f"holiday/{path.name}")
        out.writestr("holiday/z_copy_of_photo_0.png", (data.images / "photo_0.png").read_bytes())
        out.writestr("holiday/broken.jpg", b"\xff\xd8 not really a jpeg")
        out.writestr("holiday/notes.txt", "not an image, and not named like one")
    report = import_from(
        project=project_setup.project,
        user=project_setup.admin,
        format="images",
        images=archive,
        annotations=None,
        progress=lambda d, t: None,
    )
    assert (report["images_added"], report["images_already_there"], report["images_refused"]) == (3, 1, 1)
    assert [entry["image"] for entry in report["refused"]] == ["holiday/broken.jpg"]
    names = set(
        ImageAsset.objects.filter(project=project_setup.project).values_list("original_name", flat=True)
    )
    assert names == {"photo_0.png", "photo_1.png", "photo_2.png"}
    assert not Annotation.objects.filter(project=project_setup.project).exists()
