"""Dataset loaders for the common layouts, and classes from prefixes or a CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy.io import savemat

from inference.evaluation.datasets import DatasetError, load_dataset
from inference.evaluation.datasets.classes import class_from_name


def write(path: Path, array: np.ndarray, mode: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array, mode=mode).save(path)


def rgb(height: int = 20, width: int = 30) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 255, (height, width, 3), dtype=np.uint8)


@pytest.mark.parametrize(
    ("stem", "label"),
    [
        ("kite07_000000123", "kite"),
        ("parking_meter03_000000531", "parking_meter"),
        ("traffic_light10_000000001", "traffic_light"),
        ("124084", "unknown"),
        ("kite_000000123", "unknown"),
    ],
)
def test_the_class_comes_from_the_prefix_before_a_two_digit_index(stem: str, label: str) -> None:
    assert class_from_name(stem) == label


def test_mask_folders_accept_0_255_and_0_1_masks_in_both_layouts(tmp_path: Path) -> None:
    mask = np.zeros((20, 30), dtype=np.uint8)
    mask[5:10, 5:15] = 1
    write(tmp_path / "mval/img/dog01_1.jpg", rgb())
    write(tmp_path / "mval/gt/dog01_1.png", mask * 255)
    write(tmp_path / "berkeley/images/42.jpg", rgb())
    write(tmp_path / "berkeley/masks/42.png", mask)
    for folder, label in (("mval", "dog"), ("berkeley", "unknown")):
        (sample,) = load_dataset(tmp_path / folder, "masks")
        loaded = sample.load()
        assert sample.label == label
        assert loaded.image.shape == (20, 30, 3)
        assert loaded.mask.sum() == 50 and loaded.ignore is None


def test_a_class_csv_overrides_the_prefix(tmp_path: Path) -> None:
    write(tmp_path / "d/img/dog01_1.jpg", rgb())
    write(tmp_path / "d/gt/dog01_1.png", np.full((20, 30), 255, np.uint8))
    (tmp_path / "classes.csv").write_text("name,class\ndog01_1,wolf\n")
    (sample,) = load_dataset(tmp_path / "d", "masks", classes_csv=tmp_path / "classes.csv")
    assert sample.label == "wolf"


def test_a_mask_without_its_image_is_a_clear_error(tmp_path: Path) -> None:
    write(tmp_path / "d/img/a.jpg", rgb())
    write(tmp_path / "d/gt/a.png", np.zeros((20, 30), np.uint8))
    write(tmp_path / "d/gt/b.png", np.zeros((20, 30), np.uint8))
    with pytest.raises(DatasetError, match="1 masks .* have no image"):
        load_dataset(tmp_path / "d", "masks")
    with pytest.raises(DatasetError, match="neither img/"):
        load_dataset(tmp_path, "masks")


def test_the_grabcut_layout_marks_grey_128_as_ignored(tmp_path: Path) -> None:
    labels = np.zeros((20, 30), dtype=np.uint8)
    labels[4:16, 4:26] = 128
    labels[6:14, 6:24] = 255
    write(tmp_path / "g/data_GT/flower.jpg", rgb())
    write(tmp_path / "g/boundary_GT/flower.bmp", labels)
    (sample,) = load_dataset(tmp_path / "g", "grabcut")
    loaded = sample.load()
    assert loaded.mask.sum() == 8 * 18
    assert loaded.ignore is not None and loaded.ignore.sum() == 12 * 22 - 8 * 18
    assert not (loaded.mask & loaded.ignore).any()


def test_davis_gives_one_object_per_palette_index_and_ignores_void(tmp_path: Path) -> None:
    ids = np.zeros((20, 30), dtype=np.uint8)
    ids[2:8, 2:8] = 1
    ids[10:18, 10:28] = 2
    ids[0, :] = 255
    ids[19, 0] = 3  # one pixel: under min_area
    palette_png = Image.fromarray(ids, mode="P")
    palette_png.putpalette([0, 0, 0, 128, 0, 0, 0, 128, 0, 0, 0, 128] + [0] * (3 * 252))
    (tmp_path / "davis/Annotations/480p/bear").mkdir(parents=True)
    palette_png.save(tmp_path / "davis/Annotations/480p/bear/00000.png")
    write(tmp_path / "davis/JPEGImages/480p/bear/00000.jpg", rgb())
    samples = load_dataset(tmp_path / "davis", "davis", min_area=2)
    assert [s.name for s in samples] == ["480p/bear/00000#1", "480p/bear/00000#2"]
    loaded = samples[1].load()
    assert loaded.mask.sum() == 8 * 18
    assert loaded.ignore is not None and loaded.ignore.sum() == 30


def test_sbd_gives_one_object_per_instance_with_its_voc_class(tmp_path: Path) -> None:
    segmentation = np.zeros((20, 30), dtype=np.uint8)
    segmentation[1:6, 1:6] = 1
    segmentation[8:19, 3:29] = 2
    (tmp_path / "sbd/inst").mkdir(parents=True)
    savemat(
        tmp_path / "sbd/inst/2008_000123.mat",
        {"GTinst": {"Segmentation": segmentation, "Categories": np.array([[15], [8]]), "Boundaries": []}},
    )
    write(tmp_path / "sbd/img/2008_000123.jpg", rgb())
    samples = load_dataset(tmp_path / "sbd", "sbd")
    assert [(s.name, s.label) for s in samples] == [("2008_000123#1", "person"), ("2008_000123#2", "cat")]
    assert samples[1].load().mask.sum() == 11 * 26


def test_an_unreadable_mask_is_reported_not_crashed_on(tmp_path: Path) -> None:
    write(tmp_path / "d/img/a.jpg", rgb())
    (tmp_path / "d/gt").mkdir()
    (tmp_path / "d/gt/a.png").write_bytes(b"not a png")
    (sample,) = load_dataset(tmp_path / "d", "masks")
    with pytest.raises(DatasetError, match="cannot read mask"):
        sample.load()
