"""REST endpoints for annotations: list, delete and bring back, the matte."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.annotations import selectors, services
from annotator.annotations.models import Annotation
from annotator.annotations.serializers import (
    AnnotationSerializer,
    RelabelSerializer,
    RevisionBaseSerializer,
    RevisionSerializer,
)
from annotator.common.errors import InvalidInput
from annotator.common.pagination import PagedApi
from annotator.common.params import DELETED, flag
from annotator.projects.permissions import Action
from annotator.projects.selectors import label_class_get, membership_require


class AnnotationListApi(PagedApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("image", OpenApiTypes.INT, description="only this image's annotations"),
            DELETED,
        ],
        responses=AnnotationSerializer(many=True),
    )
    def get(self, request: Request, project_id: int) -> Response:
        deleted = flag(request, "deleted")
        action = Action.ANNOTATION_TRASH if deleted else Action.PROJECT_VIEW
        membership = membership_require(user=request.user, project_id=project_id, action=action)
        image = request.query_params.get("image")
        if image is not None and not (image.isascii() and image.isdigit()):
            raise InvalidInput("The image filter must be an image id.", code="invalid_filter")
        annotations = selectors.annotation_list(
            project_id=project_id, image_id=int(image) if image is not None else None, deleted=deleted
        )
        visible = selectors.visible_annotations(membership=membership, annotations=annotations)
        return self.page(request, visible, AnnotationSerializer)


def _access(request: Request, project_id: int, annotation_id: int, action: Action) -> Annotation:
    _, annotation = selectors.annotation_access(
        user=request.user, project_id=project_id, annotation_id=annotation_id, action=action, deleted=None
    )
    return annotation


class AnnotationDetailApi(APIView):
    @extend_schema(responses=AnnotationSerializer)
    def get(self, request: Request, project_id: int, annotation_id: int) -> Response:
        """One object, as it is now (its latest revision)."""
        return Response(
            AnnotationSerializer(_access(request, project_id, annotation_id, Action.PROJECT_VIEW)).data
        )

    @extend_schema(request=RelabelSerializer, responses=AnnotationSerializer)
    def patch(self, request: Request, project_id: int, annotation_id: int) -> Response:
        """Give the object another class (a new revision). ``revision`` is the one the caller
        saw: a change since is refused (409 stale_revision), as is an object someone is
        correcting (409 locked)."""
        annotation = _access(request, project_id, annotation_id, Action.ANNOTATION_CORRECT)
        data = RelabelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        label_class = label_class_get(project_id=project_id, class_id=data.validated_data["label_class"])
        changed = services.annotation_relabel(
            annotation=annotation,
            label_class=label_class,
            user=request.user,  # type: ignore[arg-type]
            base=data.validated_data["revision"],
        )
        return Response(AnnotationSerializer(changed).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, project_id: int, annotation_id: int) -> Response:
        """Delete an object (annotators: their own); it is kept and can be brought back."""
        _, annotation = selectors.annotation_access(
            user=request.user,
            project_id=project_id,
            annotation_id=annotation_id,
            action=Action.ANNOTATION_DELETE,
            deleted=None,
        )
        services.annotation_delete(annotation=annotation, user=request.user)  # type: ignore[arg-type]
        return Response(status=204)


class AnnotationRestoreApi(APIView):
    @extend_schema(request=None, responses=AnnotationSerializer)
    def post(self, request: Request, project_id: int, annotation_id: int) -> Response:
        """Bring a deleted object back as it was."""
        _, annotation = selectors.annotation_access(
            user=request.user,
            project_id=project_id,
            annotation_id=annotation_id,
            action=Action.ANNOTATION_RESTORE,
            deleted=None,
        )
        restored = services.annotation_restore(annotation=annotation, user=request.user)  # type: ignore[arg-type]
        return Response(AnnotationSerializer(restored).data)


class RevisionListApi(PagedApi):
    @extend_schema(responses=RevisionSerializer(many=True))
    def get(self, request: Request, project_id: int, annotation_id: int) -> Response:
        """Every revision of the object, oldest first: who, when, what kind of change, the mask
        and the class it left."""
        annotation = _access(request, project_id, annotation_id, Action.PROJECT_VIEW)
        return self.page(request, selectors.revision_list(annotation=annotation), RevisionSerializer)


class RevisionRestoreApi(APIView):
    @extend_schema(request=RevisionBaseSerializer, responses=AnnotationSerializer)
    def post(self, request: Request, project_id: int, annotation_id: int, revision_id: int) -> Response:
        """Make that revision's mask and class the object's again (a new revision); refused as
        a relabel is."""
        annotation = _access(request, project_id, annotation_id, Action.ANNOTATION_CORRECT)
        data = RevisionBaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changed = services.annotation_revert(
            annotation=annotation,
            revision=selectors.revision_get(annotation=annotation, revision_id=revision_id),
            user=request.user,  # type: ignore[arg-type]
            base=data.validated_data["revision"],
        )
        return Response(AnnotationSerializer(changed).data)


class AnnotationMatteApi(APIView):
    """The object's alpha matte as a greyscale PNG (255 = object); ``?download=1`` saves it."""

    @extend_schema(
        parameters=[OpenApiParameter("download", OpenApiTypes.BOOL, description="as an attachment")],
        responses={(200, "image/png"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, project_id: int, annotation_id: int) -> HttpResponse:
        _, annotation = selectors.annotation_access(
            user=request.user, project_id=project_id, annotation_id=annotation_id, action=Action.PROJECT_VIEW
        )
        response = HttpResponse(
            selectors.annotation_matte_png(annotation=annotation), content_type="image/png"
        )
        disposition = "attachment" if flag(request, "download") else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="annotation-{annotation.id}-matte.png"'
        return response
