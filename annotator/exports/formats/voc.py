"""Pascal VOC segmentation: ``JPEGImages/`` (the images as uploaded), ``SegmentationClass/``
and ``SegmentationObject/`` (indexed PNGs with the VOC palette), ``ImageSets/Segmentation/
<set>.txt``, and ``labelmap.txt`` (the class list with its colours, as CVAT writes it).

In SegmentationClass a pixel holds its class's place in the list (1, 2, …; 0 background); in
SegmentationObject, its object's place in the image (1 … 255). Where objects overlap, they are
painted largest first, so the smaller one wins the shared pixels.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from annotator.exports.formats.writer import ExportWriter
from inference.masks import rle

MAX_INDEX = 255


def palette() -> list[int]:
    """The VOC colour map: index i's colour from the bits of i, 256 entries."""
    colours: list[int] = []
    for index in range(256):
        r = g = b = 0
        value = index
        for bit in range(8):
            r |= ((value >> 0) & 1) << (7 - bit)
            g |= ((value >> 1) & 1) << (7 - bit)
            b |= ((value >> 2) & 1) << (7 - bit)
            value >>= 3
        colours += [r, g, b]
    return colours


def _png(indices: np.ndarray, colours: list[int]) -> bytes:
    picture = Image.fromarray(indices, mode="P")
    picture.putpalette(colours)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def write(w: ExportWriter) -> None:
    colours = palette()
    place = {c.id: i + 1 for i, c in enumerate(w.classes)}
    if len(place) >= MAX_INDEX:
        w.note(f"only the first {MAX_INDEX - 1} classes fit an indexed PNG")
    lines = ["# label:color_rgb:parts:actions", "background:0,0,0::"]
    for label_class, index in zip(w.classes, range(1, MAX_INDEX), strict=False):
        r, g, b = colours[3 * index : 3 * index + 3]
        lines.append(f"{label_class.name}:{r},{g},{b}::")
    w.write_bytes("labelmap.txt", ("\n".join(lines) + "\n").encode())
    sets: dict[str, list[str]] = {}
    for image, objects in w.images():
        stem = w.stem(image)
        w.copy_image(image, f"JPEGImages/{w.name(image)}")
        classes = np.zeros((image.height, image.width), dtype=np.uint8)
        instances = np.zeros((image.height, image.width), dtype=np.uint8)
        order = sorted(range(len(objects)), key=lambda i: -objects[i].area)
        for i in order:
            annotation = objects[i]
            mask = rle.decode(annotation.mask)
            classes[mask] = min(place.get(annotation.label_class_id, 0), MAX_INDEX - 1)
            if i < MAX_INDEX:
                instances[mask] = i + 1
            else:
                w.note(
                    f"more than {MAX_INDEX} objects: left out of SegmentationObject",
                    annotation=annotation.id,
                    image=image.id,
                )
        w.write_bytes(f"SegmentationClass/{stem}.png", _png(classes, colours))
        w.write_bytes(f"SegmentationObject/{stem}.png", _png(instances, colours))
        sets.setdefault(w.sets[image.id], []).append(stem)
    for part, stems in sets.items():
        w.write_bytes(f"ImageSets/Segmentation/{part}.txt", ("\n".join(stems) + "\n").encode())
