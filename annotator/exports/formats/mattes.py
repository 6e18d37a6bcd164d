"""Alpha mattes: ``mattes/<image stem>_<object id>.png``, one 8-bit greyscale PNG per object the
size of its image (255 = object), the matte the annotation page shows (closed-form matting in a
band around the mask's edge), for the objects chosen. A matte already kept for the object's
revision is copied; one computed here (in the same bounded memory as the batch queue's, each
image decoded once unless it is over ``MASKLOOP_MATTE_MAX_PIXELS``) is kept for the page too."""

from __future__ import annotations

from django.conf import settings

from annotator.annotations.matte_services import matte_store
from annotator.annotations.mattes import ImageRegions, matte_png
from annotator.annotations.selectors import matte_kept_png
from annotator.exports.formats.writer import ExportWriter


def write(w: ExportWriter) -> None:
    limit = settings.MASKLOOP_MATTE_MAX_PIXELS
    for image, objects in w.images():
        regions = ImageRegions(image, limit)
        for annotation in objects:
            png = matte_kept_png(annotation=annotation)
            if png is None:
                png = matte_png(regions=regions, mask=annotation.mask, max_pixels=limit)
                matte_store(annotation=annotation, revision=annotation.revision, png=png)
            w.write_bytes(f"mattes/{w.stem(image)}_{annotation.id}.png", png)
