"""REST endpoints for annotations."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.annotations import selectors
from annotator.annotations.serializers import AnnotationSerializer
from annotator.common.errors import InvalidInput
from annotator.projects.selectors import membership_get


class AnnotationListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("image", OpenApiTypes.INT, description="only this image's annotations")],
        responses=AnnotationSerializer(many=True),
    )
    def get(self, request: Request, project_id: int) -> Response:
        membership_get(user=request.user, project_id=project_id)
        image = request.query_params.get("image")
        if image is not None and not image.isdigit():
            raise InvalidInput("The image filter must be an image id.")
        annotations = selectors.annotation_list(
            project_id=project_id, image_id=int(image) if image is not None else None
        )
        return Response(AnnotationSerializer(annotations, many=True).data)
