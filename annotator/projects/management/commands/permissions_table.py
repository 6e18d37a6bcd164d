"""Print docs/permissions.md from the permission table (``annotator/projects/permissions.py``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from annotator.projects.permissions_doc import permissions_markdown


class Command(BaseCommand):
    help = (
        "Print the permission table as Markdown (python manage.py permissions_table > docs/permissions.md)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(permissions_markdown(), ending="")
