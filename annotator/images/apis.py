"""REST endpoints for images: list, upload, detail, the file, delete and bring back, status."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.common.errors import InvalidInput
from annotator.common.pagination import PagedApi
from annotator.common.params import DELETED, flag
from annotator.images import selectors, services, status
from annotator.images.models import ImageAsset, ImageStatus
from annotator.images.serializers import (
    CountSerializer,
    ImageIdsSerializer,
    ImageSerializer,
    ImageUploadSerializer,
    StatusChangeSerializer,
    StatusInputSerializer,
)
from annotator.projects.permissions import Action
from annotator.projects.selectors import membership_require

FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, description="statuses, comma-separated"),
    OpenApiParameter("assignee", OpenApiTypes.STR, description="a user id, 'none' or 'me'"),
    OpenApiParameter("has_objects", OpenApiTypes.BOOL),
    OpenApiParameter("name", OpenApiTypes.STR, description="part of the file name"),
    OpenApiParameter("ordering", OpenApiTypes.STR, enum=list(selectors.ORDERINGS)),
    DELETED,
]


class ImageListApi(PagedApi):
    parser_classes = [MultiPartParser]
    max_request_setting = "MASKLOOP_MAX_UPLOAD_BYTES"

    @extend_schema(parameters=FILTERS, responses=ImageSerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        """The project's images (an annotator in a project that hands images out sees theirs)."""
        deleted = flag(request, "deleted")
        action = Action.ANNOTATION_TRASH if deleted else Action.PROJECT_VIEW
        membership = membership_require(user=request.user, project_id=project_id, action=action)
        filters = selectors.ImageFilters.parse(request.query_params)
        images = selectors.image_list(
            project_id=project_id, filters=filters, user_id=membership.user_id, deleted=deleted
        )
        return self.page(
            request, selectors.visible_images(membership=membership, images=images), ImageSerializer
        )

    @extend_schema(request={"multipart/form-data": ImageUploadSerializer}, responses={201: ImageSerializer})
    def post(self, request: Request, project_id: int) -> Response:
        membership = membership_require(user=request.user, project_id=project_id, action=Action.IMAGE_UPLOAD)
        data = ImageUploadSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput("Send the image as the multipart field 'file'.", code="no_file")
        image = services.image_upload(
            project=membership.project,
            uploader=request.user,  # type: ignore[arg-type]
            upload=data.validated_data["file"],
        )
        return Response(ImageSerializer(image).data, status=201)


class ImageBulkDeleteApi(APIView):
    @extend_schema(request=ImageIdsSerializer, responses=CountSerializer)
    def post(self, request: Request, project_id: int) -> Response:
        """Delete these images with their objects (all or none); an admin can bring them back."""
        membership = membership_require(user=request.user, project_id=project_id, action=Action.IMAGE_DELETE)
        data = ImageIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.images_delete(
            project=membership.project,
            image_ids=data.validated_data["images"],
            user=request.user,  # type: ignore[arg-type]
        )
        return Response({"count": count})


class ImageDetailApi(APIView):
    @extend_schema(responses=ImageSerializer)
    def get(self, request: Request, image_id: int) -> Response:
        _, image = selectors.image_access(user=request.user, image_id=image_id, action=Action.IMAGE_VIEW)
        return Response(ImageSerializer(image).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, image_id: int) -> Response:
        """Delete the image with its objects; an admin can bring it back."""
        membership, image = selectors.image_access(
            user=request.user, image_id=image_id, action=Action.IMAGE_DELETE, deleted=None
        )
        services.images_delete(project=membership.project, image_ids=[image.id], user=request.user)  # type: ignore[arg-type]
        return Response(status=204)


class ImageRestoreApi(APIView):
    @extend_schema(request=None, responses=ImageSerializer)
    def post(self, request: Request, image_id: int) -> Response:
        """Bring a deleted image back, with its objects, status and assignments."""
        _, image = selectors.image_access(
            user=request.user, image_id=image_id, action=Action.IMAGE_RESTORE, deleted=None
        )
        services.image_restore(image=image)
        return Response(
            ImageSerializer(selectors.image_get(project_id=image.project_id, image_id=image.id)).data
        )


class ImageFileApi(APIView):
    @extend_schema(responses={(200, "image/*"): bytes})
    def get(self, request: Request, image_id: int) -> FileResponse:
        _, image = selectors.image_access(user=request.user, image_id=image_id, action=Action.IMAGE_VIEW)
        response = FileResponse(image.file.open("rb"), content_type=f"image/{image.format.lower()}")
        response["Cache-Control"] = "private, max-age=86400"
        return response


class ImageStatusApi(APIView):
    @extend_schema(request=StatusInputSerializer, responses=ImageSerializer)
    def post(self, request: Request, image_id: int) -> Response:
        """Move the image along: ``done`` (an assignee finishes their part; the image is done
        when every assignee has), ``in_progress`` (open it again; an accepted image only by
        those who review), ``accepted`` or ``needs_fixes`` (review). A move its status does not
        allow: 409 with a code."""
        data = StatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted, note = data.validated_data["status"], data.validated_data["note"]
        user = request.user
        _, image = selectors.image_access(
            user=user, image_id=image_id, action=_status_action(wanted, image_id)
        )
        if wanted in status.VERDICTS:
            status.image_review(image=image, user=user, verdict=wanted, note=note)  # type: ignore[arg-type]
        elif wanted == ImageStatus.DONE:
            status.image_finish(image=image, user=user, note=note)  # type: ignore[arg-type]
        else:
            status.image_reopen(image=image, user=user, note=note)  # type: ignore[arg-type]
        return Response(
            ImageSerializer(selectors.image_get(project_id=image.project_id, image_id=image.id)).data
        )


def _status_action(wanted: str, image_id: int) -> Action:
    """Reviewing, and taking a verdict back by opening an accepted image again, are review
    actions; finishing, and opening an image again otherwise, are the annotator's."""
    accepted = ImageAsset.objects.filter(id=image_id, status=ImageStatus.ACCEPTED).exists()
    if wanted in status.VERDICTS or (wanted == ImageStatus.IN_PROGRESS and accepted):
        return Action.IMAGE_REVIEW
    return Action.IMAGE_FINISH


class ImageHistoryApi(PagedApi):
    @extend_schema(responses=StatusChangeSerializer(many=True))
    def get(self, request: Request, image_id: int) -> Response:
        """The image's status history, oldest first."""
        _, image = selectors.image_access(user=request.user, image_id=image_id, action=Action.IMAGE_VIEW)
        return self.page(request, selectors.image_history(image=image), StatusChangeSerializer)
