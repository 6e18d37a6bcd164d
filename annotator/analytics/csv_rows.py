"""The object rows as CSV, streamed row by row (a project's rows never sit in memory whole)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from annotator.analytics.models import ObjectRecord
from annotator.analytics.serializers import ROW_FIELDS


class CsvRenderer(BaseRenderer):
    """Lets ``?format=csv`` choose CSV (the view streams it itself)."""

    media_type = "text/csv"
    format = "csv"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return b"" if data is None else str(data).encode()


class _Line:
    """csv.writer's file: hands back each line it writes."""

    def write(self, value: str) -> str:
        return value


def _values(row: ObjectRecord) -> list[Any]:
    names = {"session": row.session_id, "project": row.project_id, "image": row.image_id,
             "label_class": row.label_class_id, "class_name": row.label_class.name, "user": row.user_id,
             "username": row.user.get_username(), "annotation": row.annotation_id}  # fmt: skip
    out = []
    for field in ROW_FIELDS:
        value = names[field] if field in names else getattr(row, field)
        out.append(value.isoformat() if hasattr(value, "isoformat") else value)
    return out


def csv_response(rows: QuerySet[ObjectRecord], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Line())

    def lines() -> Iterator[str]:
        yield writer.writerow(ROW_FIELDS)
        for row in rows.iterator(chunk_size=2000):
            yield writer.writerow(_values(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
