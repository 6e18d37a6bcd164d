"""Every list under /api/ comes in pages: ``?page=2&page_size=100`` (at most 500 a page)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class PagedApi(APIView):
    """A view whose GET answers one page of a list (drf-spectacular describes it as paged)."""

    pagination_class = Pages

    def page(
        self,
        request: Request,
        items: QuerySet[Any],
        serializer: type[BaseSerializer[Any]],
        context: dict[str, Any] | None = None,
    ) -> Response:
        paginator = self.pagination_class()
        rows: list[Model] | None = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(serializer(rows, many=True, context=context or {}).data)
