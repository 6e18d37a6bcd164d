"""How much of each mask its polygons keep: the IoU of the rasterised polygons (pycocotools, as
COCO readers rasterise them) with the mask, for every object of a dataset (``gt/*.png``), by
contour method: sub-pixel contours at level 0.5 (scikit-image) at several simplification
tolerances, and OpenCV's outer contours through boundary pixels. Also vertices per object,
objects with holes, and the YOLO lines' IoU (normalised to 6 decimals, holes lost).

    .venv/bin/python benchmarks/polygon_fidelity.py --dataset ../shared/datasets/coco_mval_dev
"""

from __future__ import annotations

import argparse
import json
import sys
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


def measure(
    masks: list[np.ndarray], method: Callable[[np.ndarray], list[polygons.Polygon]]
) -> dict[str, float]:
    ious, vertices = [], []
    for mask in masks:
        parts = method(mask)
        ious.append(polygons.iou(polygons.rasterise(parts, *mask.shape), mask))
        vertices.append(sum(len(p) // 2 for p in parts))
    values = np.asarray(ious)
    small = values[[m.sum() < SMALL for m in masks]]
    return {
        "mean_iou": round(float(values.mean()), 5),
        "worst_iou": round(float(values.min()), 5),
        "small_mean_iou": round(float(small.mean()), 5) if len(small) else float("nan"),
        "small_worst_iou": round(float(small.min()), 5) if len(small) else float("nan"),
        "mean_vertices": round(float(np.mean(vertices)), 1),
    }


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
    report = {
        "objects": len(masks),
        "small_objects": sum(1 for m in masks if m.sum() < SMALL),
        "with_holes": sum(1 for m in masks if polygons.trace(m)[1]),
        "methods": {name: measure(masks, method) for name, method in methods.items()},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
