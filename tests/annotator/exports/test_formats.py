"""Export fidelity, read back with independent readers: a COCO file imported and exported again
gives every mask bit for bit (pycocotools), as polygons keeps the ring's hole as RLE and says
so, VOC keeps every object's pixels where objects do not overlap (Pillow), YOLO's polygons
give back the masks through supervision's reader, mattes one PNG per object."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import supervision as sv
import yaml
from PIL import Image
from pycocotools.coco import COCO

from annotator.annotations.models import Annotation
from annotator.exports.import_services import import_from
from annotator.exports.selection import Selection
from annotator.exports.services import export_to
from inference.masks import polygons
from tests.annotator.exports.datasets import RING_ID, TWO_PARTS_ID, Dataset, coco_dataset, unzip, write_json
from tests.conftest import ProjectSetup

pytestmark = pytest.mark.django_db


def imported(setup: ProjectSetup, tmp_path: Path) -> tuple[Dataset, dict[int, int]]:
    """The dataset imported into the project; returns it and annotation id → object id here."""
    data = coco_dataset(tmp_path / "source")
    report = import_from(
        project=setup.project, user=setup.admin, format="coco", images=data.images,
        annotations=write_json(tmp_path / "instances.json", data.document), progress=lambda d, t: None,
    )  # fmt: skip
    assert report["images_added"] == 4 and report["objects_added"] == len(data.masks)
    ours = list(Annotation.objects.order_by("id").values_list("id", flat=True))
    return data, dict(zip(sorted(data.masks), ours, strict=True))


def export(setup: ProjectSetup, tmp_path: Path, fmt: str, **choices: Any) -> tuple[Path, dict[str, Any]]:
    archive = tmp_path / f"{fmt}.zip"
    report = export_to(
        project=setup.project,
        format=fmt,
        selection=Selection(**choices),
        path=archive,
        progress=lambda d, t: None,
    )
    return unzip(archive, tmp_path / fmt), report


def test_coco_in_and_out_again_gives_every_mask_bit_for_bit(
    project_setup: ProjectSetup, tmp_path: Path
) -> None:
    data, ours = imported(project_setup, tmp_path)
    folder, report = export(project_setup, tmp_path, "coco")
    coco = COCO(str(folder / "annotations" / "instances_default.json"))
    assert sorted(c["name"] for c in coco.loadCats(coco.getCatIds())) == ["ring", "shape"]
    for source_id, mask in data.masks.items():
        exported = coco.anns[ours[source_id]]
        assert np.array_equal(coco.annToMask(exported).astype(bool), mask)
        assert exported["iscrowd"] == 0 and exported["area"] == int(mask.sum())
    for image in coco.dataset["images"]:
        assert (folder / "images" / "default" / image["file_name"]).is_file()
    assert report["objects"] == len(data.masks) and report["notes"] == []


def test_coco_polygons_keep_what_polygons_can_and_say_what_they_cannot(
    project_setup: ProjectSetup, tmp_path: Path
) -> None:
    data, ours = imported(project_setup, tmp_path)
    folder, report = export(project_setup, tmp_path, "coco-polygons")
    coco = COCO(str(folder / "annotations" / "instances_default.json"))
    ring_id = ours[RING_ID]
    assert [(n["annotation"], "hole" in n["message"]) for n in report["notes"]] == [(ring_id, True)]
    for source_id, mask in data.masks.items():
        exported = coco.anns[ours[source_id]]
        decoded = coco.annToMask(exported).astype(bool)
        if ours[source_id] == ring_id:
            assert isinstance(exported["segmentation"], dict) and np.array_equal(decoded, mask)  # kept as RLE
        else:
            assert isinstance(exported["segmentation"], list)
            overlap = np.logical_and(decoded, mask).sum() / np.logical_or(decoded, mask).sum()
            assert overlap > 0.99


def test_voc_keeps_each_objects_pixels_where_objects_do_not_overlap(
    project_setup: ProjectSetup, tmp_path: Path
) -> None:
    data, ours = imported(project_setup, tmp_path)
    folder, _ = export(project_setup, tmp_path, "voc")
    names = [line.split(":")[0] for line in (folder / "labelmap.txt").read_text().splitlines()[1:]]
    assert names == ["background", "shape", "ring"]
    for record in data.document["images"]:
        objects = [a for a in data.document["annotations"] if a["image_id"] == record["id"]]
        image_id = Annotation.objects.get(id=ours[objects[0]["id"]]).image_id
        stem = f"{image_id:06d}_{Path(record['file_name']).stem}"
        classes = Image.open(folder / "SegmentationClass" / f"{stem}.png")
        instances = Image.open(folder / "SegmentationObject" / f"{stem}.png")
        assert classes.mode == instances.mode == "P"
        class_map, instance_map = np.asarray(classes), np.asarray(instances)
        coverage = np.sum([data.masks[a["id"]] for a in objects], axis=0)
        for position, annotation in enumerate(objects):
            alone = data.masks[annotation["id"]] & (coverage == 1)
            assert (class_map[alone] == (1 if annotation["category_id"] == 7 else 2)).all()
            assert (instance_map[alone] == position + 1).all()
        assert (class_map[coverage == 0] == 0).all() and (instance_map[coverage == 0] == 0).all()
    assert [p.name for p in (folder / "ImageSets" / "Segmentation").iterdir()] == ["default.txt"]


def test_yolo_lines_give_the_masks_back_through_an_independent_reader(
    project_setup: ProjectSetup, tmp_path: Path
) -> None:
    data, _ = imported(project_setup, tmp_path)
    folder, report = export(project_setup, tmp_path, "yolo", val_fraction=0.5, seed=3)
    config = yaml.safe_load((folder / "data.yaml").read_text())
    assert config["names"] == {0: "shape", 1: "ring"} and config["val"] == "images/val"
    assert report["polygon_iou"]["worst"] < 0.9  # the ring: its hole cannot be written
    assert [("hole" in n["message"]) for n in report["notes"]] == [True]
    # What a YOLO line can hold: each part of an object on its own, the ring filled.
    shapes = [m for i, m in data.masks.items() if i not in (RING_ID, TWO_PARTS_ID)]
    two = data.masks[TWO_PARTS_ID]
    shapes += [two & (np.arange(two.shape[1]) < 88), two & (np.arange(two.shape[1]) >= 88)]
    shapes += [data.masks[RING_ID] | _inside(data.masks[RING_ID])]
    read, exact = 0, 0
    for part in ("train", "val"):
        dataset = sv.DetectionDataset.from_yolo(
            images_directory_path=str(folder / "images" / part),
            annotations_directory_path=str(folder / "labels" / part),
            data_yaml_path=str(folder / "data.yaml"),
            force_masks=True,
        )
        for path, _, detections in dataset:
            # supervision rounds vertices to whole pixels before filling: a looser fit on small
            # parts (a disc of radius 6 keeps 0.87 that way).
            for mask in detections.mask:
                assert max(_iou(mask, s) for s in shapes) > 0.8
                read += 1
            label = folder / "labels" / part / f"{Path(path).stem}.txt"
            height, width = detections.mask.shape[1:]
            for line in label.read_text().splitlines():  # the coordinates as written, rasterised exactly
                xy = np.asarray(line.split()[1:], dtype=np.float64).reshape(-1, 2) * [width, height]
                drawn = polygons.rasterise([list(xy.reshape(-1))], height, width)
                assert max(_iou(drawn, s) for s in shapes) > 0.99
                exact += 1
    assert read == exact == len(data.masks) + 1  # the object in two parts is two lines


def test_mattes_are_one_png_per_chosen_object(project_setup: ProjectSetup, tmp_path: Path) -> None:
    data, ours = imported(project_setup, tmp_path)
    ring_class = project_setup.project.label_classes.get(name="ring")
    folder, report = export(project_setup, tmp_path, "mattes", class_ids=(ring_class.id,))
    mattes = sorted((folder / "mattes").iterdir())
    assert len(mattes) == report["objects"] == 2  # the ring and the object in two parts
    matte = np.asarray(Image.open(next(m for m in mattes if m.stem.endswith(f"_{ours[RING_ID]}"))))
    ring = data.masks[RING_ID]
    assert (
        matte.shape == ring.shape and (matte[ring] > 127).mean() > 0.9 and (matte[~ring] < 128).mean() > 0.97
    )


def test_a_split_is_fixed_by_its_seed(project_setup: ProjectSetup, tmp_path: Path) -> None:
    imported(project_setup, tmp_path)
    sets = []
    for attempt in range(2):
        archive = tmp_path / f"split{attempt}.zip"
        export_to(
            project=project_setup.project, format="coco", selection=Selection(val_fraction=0.5, seed=7),
            path=archive, progress=lambda d, t: None,
        )  # fmt: skip
        with zipfile.ZipFile(archive) as opened:
            sets.append(sorted(n for n in opened.namelist() if n.startswith("images/val/")))
    assert sets[0] == sets[1] and len(sets[0]) == 2


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.logical_and(a, b).sum() / max(1, np.logical_or(a, b).sum()))


def _inside(ring: np.ndarray) -> np.ndarray:
    """The hole of a ring: what flood-filling the background from the border does not reach."""
    from scipy import ndimage

    return ndimage.binary_fill_holes(ring) & ~ring
