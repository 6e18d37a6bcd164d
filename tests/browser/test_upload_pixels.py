"""Chromium draws a stored upload with the pixels the engine receives: 16-bit greyscale,
transparency, CMYK and orientations (Exif, XMP, on a PNG) are settled once at upload."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from annotator.images.models import ImageAsset
from annotator.images.selectors import image_rgb
from tests.browser.flow import run_served_flow
from tests.browser.test_annotate_flow import browser_ready  # noqa: F401 (a fixture)
from tests.conftest import ProjectSetup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORIENTATION = 0x0112
XMP_TURNED = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def uploads() -> dict[str, bytes]:
    """Files whose pixels a browser and Pillow read differently as uploaded."""
    noise = np.random.default_rng(0).integers(0, 255, size=(24, 32, 3), dtype=np.uint8)
    photo = Image.fromarray(noise)
    smooth = Image.fromarray(np.repeat(np.repeat(noise[::8, ::8], 8, axis=0), 8, axis=1))
    cutout = photo.copy()
    cutout.putalpha(
        Image.fromarray(np.where(np.arange(32) < 16, 0, 255).astype(np.uint8)[None, :].repeat(24, 0))
    )
    grey16 = Image.fromarray(np.tile(np.linspace(0, 65535, 32).round().astype(np.uint16), (24, 1)))
    turned = Image.Exif()
    turned[ORIENTATION] = 6
    return {
        "16-bit grey png": encoded(grey16, "PNG"),
        "png with alpha": encoded(cutout, "PNG"),
        "png turned by exif": encoded(photo, "PNG", exif=turned),
        "cmyk jpeg": encoded(smooth.convert("CMYK"), "JPEG", quality=95),
        "jpeg turned by exif": encoded(smooth, "JPEG", quality=95, exif=turned),
        "jpeg turned by xmp": encoded(smooth.rotate(180), "JPEG", quality=95, xmp=XMP_TURNED),
        "mpo": encoded(
            smooth.transpose(Image.Transpose.FLIP_LEFT_RIGHT), "MPO", save_all=True, append_images=[photo]
        ),
    }


def test_the_browser_draws_what_the_engine_receives(
    browser_ready: None,  # noqa: F811
    project_setup: ProjectSetup,
) -> None:
    client = APIClient()
    client.force_authenticate(project_setup.admin)
    urls, engine = {}, {}
    for name, data in uploads().items():
        upload = SimpleUploadedFile(f"{name}.bin", data)
        response = client.post(f"/api/projects/{project_setup.project.id}/images/", {"file": upload})
        assert response.status_code == 201, (name, response.data)
        urls[name] = response.data["url"]
        engine[name] = image_rgb(image=ImageAsset.objects.get(id=response.data["id"]))
    result = run_served_flow(
        "upload_pixels_flow.mjs",
        project_setup.admin.username,
        project_setup.project.id,
        IMAGES=json.dumps(urls),
    )
    for name, drawn in result["images"].items():
        browser = np.frombuffer(base64.b64decode(drawn["rgb"]), dtype=np.uint8)
        browser = browser.reshape(drawn["height"], drawn["width"], 3)
        assert browser.shape == engine[name].shape, name
        differing = int(np.any(browser != engine[name], axis=2).sum())
        assert differing == 0, f"{name}: {differing} pixels differ"
