"""Write the analytics rows of sessions that have none: those that ended before analytics
existed, or whose page never said it left (an open session silent for
``MASKLOOP_ANALYTICS_ABANDONED_AFTER_MINUTES`` counts as abandoned)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from annotator.analytics.services import records_backfill


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--project", type=int, help="only this project's sessions")

    def handle(self, *args: Any, **options: Any) -> None:
        written = records_backfill(project_id=options["project"])
        self.stdout.write(f"{written} object rows written.")
