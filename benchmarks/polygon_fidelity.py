"""How much of each mask its polygons keep: the IoU of the rasterised polygons (pycocotools, as
COCO readers rasterise them) with the mask, for every object of a dataset (``gt/*.png``), by
contour method: sub-pixel contours at level 0.5 (scikit-image) at several simplification
tolerances, and OpenCV's outer contours through boundary pixels. Also vertices per object,
objects with holes, and the YOLO lines' IoU (normalised to 6 decimals, holes lost), written
as YOLO files and read back by supervision's loader too (it rounds vertices to whole pixels).

    .venv/bin/python benchmarks/polygon_fidelity.py --dataset ../shared/datasets/coco_mval_dev
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inference.masks import polygons  # noqa: E402

SMALL = 32 * 32  # COCO's "small" objects


def yolo_round_trip(parts: list[polygons.Polygon], height: int, width: int) -> list[polygons.Polygon]:
    """The polygons as a YOLO line stores them (x / width, y / height to 6 decimals), read back."""
    out = []
    for part in parts:
        xy = np.asarray(part).reshape(-1, 2) / [width, height]
        out.append([float(v) for v in (np.round(xy, 6) * [width, height]).reshape(-1)])
    return out


def read_by_supervision(masks: list[np.ndarray], tolerance: float) -> list[np.ndarray]:
    """Each mask's YOLO lines written to files (one image each, class 0) and read back by
    ``supervision.DetectionDataset.from_yolo``; the union of each image's masks."""
    import supervision as sv

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "images").mkdir()
        (root / "labels").mkdir()
        (root / "data.yaml").write_text("names: [object]\nnc: 1\n")
        for index, mask in enumerate(masks):
            height, width = mask.shape
            Image.fromarray(np.zeros((height, width), dtype=np.uint8)).save(root / "images" / f"{index}.png")
            lines = []
            for part in polygons.trace(mask, tolerance)[0]:
                xy = np.asarray(part).reshape(-1, 2) / [width, height]
                lines.append("0 " + " ".join(f"{v:.6f}" for v in xy.reshape(-1)))
            (root / "labels" / f"{index}.txt").write_text("\n".join(lines) + "\n")
        dataset = sv.DetectionDataset.from_yolo(
            images_directory_path=str(root / "images"),
            annotations_directory_path=str(root / "labels"),
            data_yaml_path=str(root / "data.yaml"),
            force_masks=True,
        )
        read: dict[str, np.ndarray] = {
            Path(path).stem: np.asarray(np.asarray(detections.mask, dtype=bool).any(axis=0))
            for path, _, detections in dataset
        }
    return [read[str(index)] for index in range(len(masks))]


def measure(masks: list[np.ndarray], drawn: list[np.ndarray], vertices: list[int]) -> dict[str, float]:
    """IoU of each drawn mask with its mask: mean and worst, over all and the small objects."""
    values = np.asarray([polygons.iou(d, m) for d, m in zip(drawn, masks, strict=True)])
    small = values[[m.sum() < SMALL for m in masks]]
    return {
        "mean_iou": round(float(values.mean()), 5),
        "worst_iou": round(float(values.min()), 5),
        "small_mean_iou": round(float(small.mean()), 5) if len(small) else float("nan"),
        "small_worst_iou": round(float(small.min()), 5) if len(small) else float("nan"),
        "mean_vertices": round(float(np.mean(vertices)), 1),
    }


def by_polygons(
    masks: list[np.ndarray], method: Callable[[np.ndarray], list[polygons.Polygon]]
) -> dict[str, float]:
    traced = [method(mask) for mask in masks]
    drawn = [polygons.rasterise(parts, *mask.shape) for parts, mask in zip(traced, masks, strict=True)]
    return measure(masks, drawn, [sum(len(p) // 2 for p in parts) for parts in traced])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", type=Path, required=True)
    args = parser.parse_args()
    masks = [np.asarray(Image.open(path)) > 127 for path in sorted((args.dataset / "gt").glob("*.png"))]

    def subpixel(tolerance: float) -> Callable[[np.ndarray], list[polygons.Polygon]]:
        return lambda mask: polygons.trace(mask, tolerance)[0]

    methods = {f"subpixel, tolerance {t}": subpixel(t) for t in (0.0, 0.25, 0.5, 1.0)}
    methods["opencv pixel contours"] = polygons.trace_pixel_edges
    methods["YOLO lines (subpixel, tolerance 0.25)"] = lambda m: yolo_round_trip(
        polygons.trace(m, 0.25)[0], *m.shape
    )
    results = {name: by_polygons(masks, method) for name, method in methods.items()}
    results["YOLO files read by supervision (tolerance 0.25)"] = measure(
        masks,
        read_by_supervision(masks, 0.25),
        [sum(len(p) // 2 for p in polygons.trace(m, 0.25)[0]) for m in masks],
    )
    report = {
        "objects": len(masks),
        "small_objects": sum(1 for m in masks if m.sum() < SMALL),
        "with_holes": sum(1 for m in masks if polygons.trace(m)[1]),
        "methods": results,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
