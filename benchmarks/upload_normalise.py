"""What storing the picture alone costs an upload: time and stored size per kind of file.

Each COCO MVal photo (``/work/shared/datasets/coco_mval_dev/img``, or ``--images``), at its
own size or scaled to ``--megapixels``, is made into the kinds of upload the normaliser
treats differently (a JPEG, the JPEG with 1 MB appended, a PNG, a 16-bit greyscale PNG, a
PNG with transparency, a lossy WebP, a two-view MPO). For each, ``check_upload`` (header
checks, the one decode, what to store, both checksums) runs ``--repeat`` times, and beside it
the decode alone that every upload paid before anything was stored other than as uploaded
(open, load, the Exif orientation's size). Times are per upload; sizes are the stored bytes
over the uploaded bytes.

    .venv/bin/python benchmarks/upload_normalise.py --repeat 3   # and --png-compression 6
    .venv/bin/python benchmarks/upload_normalise.py --megapixels 12 --limit 10 --repeat 2
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.images import normalise  # noqa: E402
from annotator.images.validation import check_upload  # noqa: E402
from benchmarks.stats import report, summary  # noqa: E402

PHOTOS = Path("/work/shared/datasets/coco_mval_dev/img")


def encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def uploads(photo: Image.Image) -> dict[str, bytes]:
    """The kinds of upload made of one RGB photo."""
    jpeg = encoded(photo, "JPEG", quality=90)
    grey16 = (np.asarray(photo.convert("L")).astype(np.uint16) * 257).astype(np.uint16)
    mirrored = photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    alpha = photo.convert("RGBA")
    alpha.putalpha(Image.linear_gradient("L").resize(photo.size))
    return {
        "jpeg": jpeg,
        "jpeg + 1 MB appended": jpeg + bytes(1 << 20),
        "png": encoded(photo, "PNG"),
        "png 16-bit grey": encoded(Image.fromarray(grey16), "PNG"),
        "png with alpha": encoded(alpha, "PNG"),
        "webp lossy": encoded(photo, "WEBP", quality=80),
        "mpo, two views": encoded(photo, "MPO", save_all=True, append_images=[mirrored]),
    }


def decode_only(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        ImageOps.exif_transpose(image)


def checked_size(data: bytes) -> int:
    checked = check_upload(
        io.BytesIO(data),
        size_bytes=len(data),
        allowed_formats=["JPEG", "PNG", "WEBP"],
        max_pixels=100_000_000,
        max_bytes=1 << 31,
    )
    return checked.size_bytes


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


def milliseconds(times: list[float]) -> dict[str, float]:
    return {key: value if key == "n" else round(value * 1000, 1) for key, value in summary(times).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=Path, default=PHOTOS)
    parser.add_argument("--limit", type=int, default=100, help="distinct photos to use")
    parser.add_argument("--megapixels", type=float, default=0.0, help="scale each photo (0: as is)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--png-compression", type=int, default=normalise.PNG_COMPRESSION, help="zlib, 0-9")
    parser.add_argument("--out", type=Path, default=None, help="write the summary and raw records as JSON")
    args = parser.parse_args()
    normalise.PNG_COMPRESSION = args.png_compression
    paths = sorted({p.name.split("_", 1)[1]: p for p in args.images.glob("*.jpg")}.values())[: args.limit]
    records: list[dict[str, Any]] = []
    for path in paths:
        with Image.open(path) as opened:
            photo = opened.convert("RGB")
        if args.megapixels:
            scale = (args.megapixels * 1e6 / (photo.width * photo.height)) ** 0.5
            size = (round(photo.width * scale), round(photo.height * scale))
            photo = photo.resize(size, Image.Resampling.BICUBIC)
        for kind, data in uploads(photo).items():
            stored = checked_size(data)
            records.append(
                {
                    "photo": path.name,
                    "kind": kind,
                    "pixels": photo.width * photo.height,
                    "upload_bytes": len(data),
                    "stored_bytes": stored,
                    "check_s": timed(partial(checked_size, data), args.repeat),
                    "decode_s": timed(partial(decode_only, data), args.repeat),
                }
            )
    result: dict[str, Any] = {
        "photos": len(paths), "repeat": args.repeat, "png_compression": args.png_compression, "kinds": {}
    }  # fmt: skip
    for kind in dict.fromkeys(r["kind"] for r in records):
        rows = [r for r in records if r["kind"] == kind]
        stored, uploaded = sum(r["stored_bytes"] for r in rows), sum(r["upload_bytes"] for r in rows)
        result["kinds"][kind] = {
            "megapixels": round(float(np.mean([r["pixels"] for r in rows])) / 1e6, 2),
            "check_ms": milliseconds([t for r in rows for t in r["check_s"]]),
            "decode_ms": milliseconds([t for r in rows for t in r["decode_s"]]),
            "stored_over_upload": round(stored / uploaded, 2),
        }
    report(result, records, args.out)


if __name__ == "__main__":
    main()
