"""REST endpoints for annotations."""

from __future__ import annotations

from django.http import HttpResponse
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


class AnnotationMatteApi(APIView):
    """The object's alpha matte as a greyscale PNG (255 = object); ``?download=1`` saves it."""

    @extend_schema(
        parameters=[OpenApiParameter("download", OpenApiTypes.BOOL, description="as an attachment")],
        responses={(200, "image/png"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, project_id: int, annotation_id: int) -> HttpResponse:
        membership_get(user=request.user, project_id=project_id)
        annotation = selectors.annotation_get(project_id=project_id, annotation_id=annotation_id)
        response = HttpResponse(
            selectors.annotation_matte_png(annotation=annotation), content_type="image/png"
        )
        disposition = "attachment" if request.query_params.get("download") in ("1", "true") else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="annotation-{annotation.id}-matte.png"'
        return response
