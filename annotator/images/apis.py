"""REST endpoints for images: list, upload, detail and the file itself."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.common.errors import InvalidInput
from annotator.images import selectors, services
from annotator.images.serializers import ImageSerializer, ImageUploadSerializer
from annotator.projects.selectors import SETUP_ROLES, membership_get, membership_require_role


class ImageListApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(responses=ImageSerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        membership_get(user=request.user, project_id=project_id)
        return Response(ImageSerializer(selectors.image_list(project_id=project_id), many=True).data)

    @extend_schema(request={"multipart/form-data": ImageUploadSerializer}, responses={201: ImageSerializer})
    def post(self, request: Request, project_id: int) -> Response:
        membership = membership_require_role(user=request.user, project_id=project_id, roles=SETUP_ROLES)
        data = ImageUploadSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput("Send the image as the multipart field 'file'.", code="no_file")
        image = services.image_upload(
            project=membership.project,
            uploader=request.user,  # type: ignore[arg-type]
            upload=data.validated_data["file"],
        )
        return Response(ImageSerializer(image).data, status=201)


class ImageDetailApi(APIView):
    @extend_schema(responses=ImageSerializer)
    def get(self, request: Request, image_id: int) -> Response:
        project_id = selectors.image_project_id(image_id=image_id)
        membership_get(user=request.user, project_id=project_id)
        return Response(ImageSerializer(selectors.image_get(project_id=project_id, image_id=image_id)).data)


class ImageFileApi(APIView):
    @extend_schema(responses={(200, "image/*"): bytes})
    def get(self, request: Request, image_id: int) -> FileResponse:
        project_id = selectors.image_project_id(image_id=image_id)
        membership_get(user=request.user, project_id=project_id)
        image = selectors.image_get(project_id=project_id, image_id=image_id)
        response = FileResponse(image.file.open("rb"), content_type=f"image/{image.format.lower()}")
        response["Cache-Control"] = "private, max-age=86400"
        return response
