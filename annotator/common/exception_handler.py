"""One DRF exception handler: every error under /api/ is JSON with a ``code`` and a ``detail``.

Domain errors carry their own code; DRF's own (validation, authentication, throttling, an
unknown page) get theirs from DRF, and a validation error also lists each field's messages
under ``fields``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from annotator.common.errors import Conflict, DomainError


def _first_message(detail: Any, path: str = "") -> str:
    """The first message of a DRF error detail (a string, list or dict), with its field."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            field = key if key != "non_field_errors" else ""
            return _first_message(value, f"{path}.{field}".strip(".") if field else path)
        return "Invalid input."
    if isinstance(detail, list):
        return _first_message(detail[0], path) if detail else "Invalid input."
    return f"{path}: {detail}" if path else str(detail)


def handle_api_exception(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.detail}
        if isinstance(exc, Conflict) and exc.existing_id is not None:
            body["existing_id"] = exc.existing_id
        return Response(body, status=exc.status)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, APIException):
        return response
    if isinstance(exc, ValidationError):
        response.data = {"code": "invalid", "detail": _first_message(exc.detail), "fields": exc.detail}
    else:
        response.data = {"code": getattr(exc.detail, "code", exc.default_code), "detail": str(exc.detail)}
    return response
