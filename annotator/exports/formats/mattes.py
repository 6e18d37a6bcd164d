"""Alpha mattes: ``mattes/<image stem>_<object id>.png``, one 8-bit greyscale PNG per object the
size of its image (255 = object), the matte the annotation page shows (closed-form matting in a
band around the mask's edge), for the objects chosen. Each image is decoded once."""

from __future__ import annotations

from annotator.exports.formats.writer import ExportWriter
from annotator.images.selectors import image_rgb
from inference.masks import rle
from inference.masks.matte import alpha_matte, alpha_png


def write(w: ExportWriter) -> None:
    for image, objects in w.images():
        if not objects:
            continue
        pixels = image_rgb(image=image)
        for annotation in objects:
            matte = alpha_matte(pixels, rle.decode(annotation.mask))
            w.write_bytes(f"mattes/{w.stem(image)}_{annotation.id}.png", alpha_png(matte))
