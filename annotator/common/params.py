"""Query parameters shared by several endpoints."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

DELETED = OpenApiParameter("deleted", OpenApiTypes.BOOL, description="the deleted ones instead")


def flag(request: Request, name: str) -> bool:
    """A true-or-false query parameter: 1, true or yes is true; anything else or none, false."""
    return request.query_params.get(name, "").lower() in ("1", "true", "yes")
