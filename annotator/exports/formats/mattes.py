"""Alpha mattes: ``mattes/<image stem>_<object id>.png``, one 8-bit greyscale PNG per object the
size of its image (255 = object), the matte the annotation page shows (closed-form matting in a
band around the mask's edge), for the objects chosen. A matte kept for the object's revision
(the page asked for it) is copied; the others are computed here, in the same bounded memory as
on the batch queue (each image decoded once unless it is over ``MASKLOOP_MATTE_MAX_PIXELS``),
and not kept: storing every exported matte would cost a file and a few statements per object,
for mattes nobody may look at."""

from __future__ import annotations

from django.conf import settings

from annotator.annotations.mattes import ImageRegions, matte_png
from annotator.annotations.selectors import matte_read, mattes_kept
from annotator.exports.formats.writer import ExportWriter


def write(w: ExportWriter) -> None:
    limit = settings.MASKLOOP_MATTE_MAX_PIXELS
    for image, objects in w.images():
        regions = ImageRegions(image, limit)
        kept = mattes_kept(annotations=objects)
        for annotation in objects:
            matte = kept.get(annotation.id)
            png = matte_read(matte=matte) if matte is not None else None
            if png is None:
                png = matte_png(regions=regions, mask=annotation.mask, max_pixels=limit)
            w.write_bytes(f"mattes/{w.stem(image)}_{annotation.id}.png", png)
