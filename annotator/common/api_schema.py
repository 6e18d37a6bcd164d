"""The OpenAPI schema's description of refusals: every operation lists the error answers it can
give, each with the one error body (``code``, ``detail``; validation errors add ``fields``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

# Built from a dict because one of its keys, ``fields``, is a name a declared serializer keeps
# for itself.
ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="what went wrong, for programs: e.g. not_found, invalid"),
        "detail": serializers.CharField(help_text="what went wrong, for people"),
        "fields": serializers.DictField(
            child=serializers.JSONField(), required=False, help_text="validation: each field's messages"
        ),
    },
)


# Every operation: not logged in, no such thing (or not a member), too many requests, a crash.
EVERYWHERE = {
    "401": "Not logged in, or the token is wrong (code not_authenticated, authentication_failed).",
    "403": "Logged in, but this role may not do this (code forbidden, or the action's own).",
    "404": "No such object, or the caller is not a member of its project (code not_found).",
    "429": "Too many requests, or too many failed logins (code throttled, locked_out).",
    "500": "The server failed (code server_error); nothing was half-written.",
}
# Operations that take a body.
WITH_BODY = {
    "400": "The input is invalid (code invalid with fields, or the check's own code).",
    "409": "The state does not allow it (e.g. project_archived, stale_revision).",
    "413": "The body is larger than this operation takes (code request_too_large).",
    "415": "The body is not JSON (code unsupported_media_type).",
}


class ErrorsSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = dict(EVERYWHERE)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(WITH_BODY)
        else:
            errors["400"] = "A query parameter is invalid (code invalid_filter, or the parameter's own)."
        for status, description in errors.items():
            if status not in responses:
                responses[status] = {
                    **self._get_response_for_code(ErrorSerializer, status, direction=direction),
                    "description": description,
                }
        return responses
