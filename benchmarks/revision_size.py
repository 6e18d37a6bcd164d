"""What one revision of an object stores: its mask as COCO RLE, box and area, as the database's
JSON holds them, for every object of a dataset (``gt/*.png``, 255 = object).

    .venv/bin/python benchmarks/revision_size.py --dataset ../shared/datasets/coco_mval_dev
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.stats import summary  # noqa: E402
from inference.masks import rle  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", type=Path, required=True)
    args = parser.parse_args()
    sizes = []
    for path in sorted((args.dataset / "gt").glob("*.png")):
        mask = np.asarray(Image.open(path)) > 127
        encoded = rle.encode(mask)
        stored = {"mask": encoded, "bbox": rle.bbox(encoded), "area": int(mask.sum())}
        sizes.append(float(len(json.dumps(stored))))
    print(json.dumps({"objects": len(sizes), "bytes": {**summary(sizes), "max": max(sizes)}}, indent=2))


if __name__ == "__main__":
    main()
