"""Download an official SAM checkpoint into MASKLOOP_WEIGHTS_DIR (resumable, checksum verified)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from annotator.projects.engines import checkpoint_path
from inference.engines.sam.catalogue import CHECKPOINTS
from inference.engines.sam.download import DownloadError, download


class Command(BaseCommand):
    help = "Download the official SAM checkpoint for vit_b, vit_l or vit_h, with a progress bar."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("model_type", choices=sorted(CHECKPOINTS))
        parser.add_argument("--url", help="download from this address instead (a mirror)")

    def handle(self, *args: Any, **options: Any) -> None:
        official = CHECKPOINTS[options["model_type"]]
        dest = checkpoint_path(official.model_type)
        try:
            download(options["url"] or official.url, dest, official.sha256)
        except DownloadError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{official.model_type}: {dest} (sha256 {official.sha256[:12]}… verified)")
