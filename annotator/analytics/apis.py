"""REST endpoints of analytics: the object rows (JSON pages or CSV), summaries by class,
annotator, engine, day or week, the NoC distribution, the learning curve, service health.

Filters (every endpoint): ``from``, ``to`` (days, UTC, both included), ``class`` and
``annotator`` (ids, repeated or comma-separated), ``engine``. A member who may see only their
own figures gets those; asking for someone else's is refused.
"""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.analytics import selectors
from annotator.analytics.csv_rows import CsvRenderer, csv_response
from annotator.analytics.filters import Filters, visible
from annotator.analytics.serializers import (
    HealthListSerializer,
    LearningSerializer,
    NocDistributionSerializer,
    ObjectRecordSerializer,
    SummarySerializer,
)
from annotator.common.pagination import PagedApi
from annotator.projects.models import Project
from annotator.projects.permissions import Action
from annotator.projects.selectors import membership_require

FILTERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="objects that ended on this day (UTC) or later"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="objects that ended on this day (UTC) or earlier"),
    OpenApiParameter("class", OpenApiTypes.INT, many=True, description="only these classes"),
    OpenApiParameter("annotator", OpenApiTypes.INT, many=True, description="only these annotators"),
    OpenApiParameter("engine", OpenApiTypes.STR, description="only objects made with this engine"),
]


def _scope(request: Request, project_id: int) -> tuple[Project, Filters]:
    """The project and the filters this member may use."""
    membership = membership_require(user=request.user, project_id=project_id, action=Action.ANALYTICS_VIEW)
    return membership.project, visible(Filters.parse(request.query_params), membership, request.user)  # type: ignore[arg-type]


class ObjectRowsApi(PagedApi):
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(parameters=FILTERS, responses=ObjectRecordSerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response | StreamingHttpResponse:
        """One row per object worked on, newest first; ``?format=csv`` streams them all as CSV."""
        project, filters = _scope(request, project_id)
        rows = selectors.object_rows(project=project, filters=filters)
        if request.accepted_renderer.format == "csv":
            return csv_response(rows, f"maskloop-{project.id}-objects.csv")
        return self.page(request, rows, ObjectRecordSerializer)


class SummaryApi(APIView):
    @extend_schema(
        parameters=[*FILTERS, OpenApiParameter("by", OpenApiTypes.STR, enum=selectors.GROUPS)],
        responses=SummarySerializer,
    )
    def get(self, request: Request, project_id: int) -> Response:
        """Figures per class, annotator, engine, day or week (``by``), and over everything."""
        project, filters = _scope(request, project_id)
        by = request.query_params.get("by", "class")
        body: dict[str, Any] = {
            "by": by,
            "groups": selectors.summary(project=project, filters=filters, by=by),
            "totals": selectors.totals(project=project, filters=filters),
        }
        return Response(SummarySerializer(body).data)


class NocDistributionApi(APIView):
    @extend_schema(parameters=FILTERS, responses=NocDistributionSerializer)
    def get(self, request: Request, project_id: int) -> Response:
        """How many accepted new objects took each number of model interactions."""
        project, filters = _scope(request, project_id)
        return Response(
            NocDistributionSerializer(selectors.noc_distribution(project=project, filters=filters)).data
        )


class LearningApi(APIView):
    @extend_schema(parameters=FILTERS, responses=LearningSerializer)
    def get(self, request: Request, project_id: int) -> Response:
        """Per class: NoC of successive objects with its trend, NoC per decoder version (SAM),
        and the replay checks."""
        project, filters = _scope(request, project_id)
        classes = selectors.learning(project=project, filters=filters)
        return Response(LearningSerializer({"classes": classes}).data)


class HealthApi(APIView):
    @extend_schema(
        parameters=[*FILTERS[:2], OpenApiParameter("by", OpenApiTypes.STR, enum=["day", "worker"])],
        responses=HealthListSerializer,
    )
    def get(self, request: Request, project_id: int) -> Response:
        """Round trip and engine time of model interactions per day or per worker: p50, p95 and
        the share over one second (the service's, not a person's: the person filters do not
        apply)."""
        project, filters = _scope(request, project_id)
        by = request.query_params.get("by", "day")
        groups = selectors.health(project=project, filters=filters, by=by)
        return Response(HealthListSerializer({"by": by, "groups": groups}).data)
