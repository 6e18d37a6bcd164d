"""One DRF exception handler: domain errors become JSON with a code and a detail."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler

from annotator.common.errors import Conflict, DomainError


def handle_api_exception(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.detail}
        if isinstance(exc, Conflict) and exc.existing_id is not None:
            body["existing_id"] = exc.existing_id
        return Response(body, status=exc.status)
    return exception_handler(exc, context)
