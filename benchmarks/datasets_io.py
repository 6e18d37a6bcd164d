"""Dataset import and export on a large project: seconds and peak memory for each format.

Generates a COCO dataset of ``--images`` JPEG photos (textured backgrounds, ``--size``) with
``--objects`` objects each (ellipses of every size, some overlapping, one in five with a hole),
then, each step in a process of its own so its peak resident memory is its own:

- imports it as COCO (images and pre-annotations) into a new project,
- exports that project in every format (the zip the page and the command line return),
- imports the Maskloop archive into another new project and the images alone into a third.

Each step runs through the services the batch worker runs (``import_from``, ``export_to``),
``--repeat`` times (exports on the same project; imports each into a fresh one). Memory is
the peak resident memory (VmHWM) of the step's process, and its growth over the same process
just before the step (Django, NumPy, Pillow and pycocotools loaded).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maskloop_bench \\
        .venv/bin/python benchmarks/datasets_io.py --images 1000 --objects 10 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.stats import report, summary  # noqa: E402

EXPORTS = ("coco", "coco-polygons", "voc", "yolo", "mattes", "maskloop")


def generate(folder: Path, images: int, objects: int, width: int, height: int) -> Path:
    """Write ``folder``/images/*.jpg and ``folder``/instances.json; returns the JSON's path."""
    from PIL import Image
    from pycocotools import mask as coco_mask

    from inference.synthetic import textured_background

    (folder / "images").mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {
        "images": [], "annotations": [],
        "categories": [{"id": i + 1, "name": f"class {i + 1}", "supercategory": ""} for i in range(5)],
    }  # fmt: skip
    rng = np.random.default_rng(0)
    for index in range(images):
        name = f"photo_{index:05d}.jpg"
        Image.fromarray(textured_background(width, height, rng)).save(folder / "images" / name, quality=90)
        document["images"].append({"id": index + 1, "file_name": name, "width": width, "height": height})
        for _ in range(objects):
            mask = np.zeros((height, width), dtype=np.uint8)
            axes = (int(rng.integers(4, width // 5)), int(rng.integers(4, height // 5)))
            centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
            cv2.ellipse(mask, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
            if rng.random() < 0.2 and min(axes) > 8:
                cv2.ellipse(mask, centre, (axes[0] // 3, axes[1] // 3), 0, 0, 360, 0, -1)
            if not mask.any():
                mask[centre[1] % height, centre[0] % width] = 1
            encoded = coco_mask.encode(np.asfortranarray(mask))
            document["annotations"].append({
                "id": len(document["annotations"]) + 1, "image_id": index + 1,
                "category_id": int(rng.integers(1, 6)), "iscrowd": 0,
                "segmentation": {"size": [height, width], "counts": encoded["counts"].decode("ascii")},
                "area": int(coco_mask.area(encoded)), "bbox": [float(v) for v in coco_mask.toBbox(encoded)],
            })  # fmt: skip
    path = folder / "instances.json"
    path.write_text(json.dumps(document))
    return path


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
    import django

    django.setup()


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited through exec
    from the parent's fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def step(args: argparse.Namespace) -> None:
    """One import or export in this process; prints seconds, the memory before and the peak."""
    setup_django()
    from django.contrib.auth.models import User

    from annotator.exports.import_services import import_from
    from annotator.exports.selection import Selection
    from annotator.exports.services import export_to
    from annotator.projects.models import Project
    from annotator.projects.services import project_create

    user = User.objects.get(username=args.user)
    before = peak_mb()
    started = time.perf_counter()
    if args.step == "export":
        project = Project.objects.get(id=args.project)
        result = export_to(
            project=project, format=args.format, selection=Selection(), path=args.output,
            progress=lambda done, total: None,
        )  # fmt: skip
        detail = {"zip_mb": round(args.output.stat().st_size / 2**20, 1), "objects": result.get("objects")}
        if not args.keep:
            args.output.unlink()
    else:
        project = project_create(creator=user, name=f"import {args.format} {uuid.uuid4().hex[:6]}")
        result = import_from(
            project=project, user=user, format=args.format, images=args.source,
            annotations=args.annotations, progress=lambda done, total: None,
        )  # fmt: skip
        detail = {"images": project.images.count(), "objects": project.annotations.count()}
        if args.keep_id is not None:
            args.keep_id.write_text(str(project.id))
    seconds = time.perf_counter() - started
    print(json.dumps({"s": seconds, "before_mb": before, "peak_mb": peak_mb(), **detail}))


def run_step(*arguments: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--step", *arguments], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"step {arguments} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--objects", type=int, default=10, help="objects per image")
    parser.add_argument("--size", default="640x480", help="WIDTHxHEIGHT of the images")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, help="keep the generated files here")
    parser.add_argument("--json", type=Path, help="write the summary and the raw runs here")
    parser.add_argument("--step", choices=["export", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    parser.add_argument("--project", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--annotations", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep-id", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step(args)
        return

    work = args.work or Path(tempfile.mkdtemp(prefix="maskloop-datasets-"))
    os.environ.setdefault("MASKLOOP_VAR_DIR", str(work / "var"))
    width, height = (int(v) for v in args.size.split("x"))
    started = time.perf_counter()
    annotations = generate(work / "coco", args.images, args.objects, width, height)
    generated_s = time.perf_counter() - started

    setup_django()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    user = User.objects.create_user(f"bench-data-{uuid.uuid4().hex[:8]}").username
    runs: list[dict[str, Any]] = []

    def record(name: str, outcome: dict[str, Any]) -> None:
        runs.append({"step": name, **outcome})
        print(name, json.dumps(outcome), flush=True)

    source, keep = work / "coco" / "images", work / "project_id"
    for _ in range(args.repeat):
        record("import coco", run_step(
            "import", "--format", "coco", "--user", user, "--source", str(source),
            "--annotations", str(annotations), "--keep-id", str(keep),
        ))  # fmt: skip
    project = keep.read_text()
    archive = work / "archive.zip"
    for format in EXPORTS:
        for _ in range(args.repeat):
            record(f"export {format}", run_step(
                "export", "--format", format, "--user", user, "--project", project,
                "--output", str(work / f"{format}.zip"),
            ))  # fmt: skip
    run_step(
        "export", "--format", "maskloop", "--user", user, "--project", project, "--output", str(archive),
        "--keep",
    )  # fmt: skip
    for format, path in (("maskloop", archive), ("images", source)):
        for _ in range(args.repeat):
            record(f"import {format}", run_step(
                "import", "--format", format, "--user", user, "--source", str(path),
            ))  # fmt: skip

    steps = list(dict.fromkeys(r["step"] for r in runs))
    result = {
        "images": args.images,
        "objects": args.images * args.objects,
        "size": args.size,
        "generated_s": round(generated_s, 1),
        "steps": {
            name: {
                "s": summary([r["s"] for r in runs if r["step"] == name]),
                "peak_mb": max(r["peak_mb"] for r in runs if r["step"] == name),
                "growth_mb": max(r["peak_mb"] - r["before_mb"] for r in runs if r["step"] == name),
                **{
                    k: v
                    for k, v in runs[[r["step"] for r in runs].index(name)].items()
                    if k in ("zip_mb", "images", "objects")
                },
            }  # fmt: skip
            for name in steps
        },
    }
    report(result, runs, args.json)


if __name__ == "__main__":
    main()
