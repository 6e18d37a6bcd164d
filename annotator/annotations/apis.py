"""REST endpoints for annotations: list, delete and bring back, the matte."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.annotations import matte_dispatch, selectors, services
from annotator.annotations.models import Annotation, MatteState
from annotator.annotations.serializers import (
    AnnotationSerializer,
    MatteAnswerSerializer,
    RelabelSerializer,
    RevisionBaseSerializer,
    RevisionSerializer,
)
from annotator.common.errors import Conflict, InvalidInput
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


MATTE_RETRY_AFTER_SECONDS = 2


class AnnotationMatteApi(APIView):
    """The object's alpha matte as a greyscale PNG the size of the image (255 = object).

    It is computed once per revision of the object, by a task on the batch queue, and served
    from storage: the first request starts it, and until it is ready every request answers 202
    ``matte_pending`` with ``Retry-After``. A failed computation answers 409 ``matte_failed``
    until ``?retry=1`` starts it again. A new revision gets a matte of its own."""

    @extend_schema(
        parameters=[
            OpenApiParameter("download", OpenApiTypes.BOOL, description="as an attachment"),
            OpenApiParameter("retry", OpenApiTypes.BOOL, description="compute a failed matte again"),
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                location=OpenApiParameter.HEADER,
                response=[202],
                description="seconds to wait before asking again",
            ),
        ],
        responses={
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="the matte"),
            (202, "application/json"): OpenApiResponse(
                MatteAnswerSerializer,
                description="matte_pending: being computed; ask again after Retry-After",
            ),
            (409, "application/json"): OpenApiResponse(
                MatteAnswerSerializer, description="matte_failed: it could not be computed; ask with ?retry=1"
            ),
        },
    )
    def get(self, request: Request, project_id: int, annotation_id: int) -> HttpResponse:
        _, annotation = selectors.annotation_access(
            user=request.user, project_id=project_id, annotation_id=annotation_id, action=Action.PROJECT_VIEW
        )
        matte = matte_dispatch.matte_request(annotation=annotation, retry=flag(request, "retry"))
        if matte.state == MatteState.FAILED:
            raise Conflict(
                "The matte of this object could not be computed: ask again with ?retry=1 to try once more.",
                code="matte_failed",
            )
        png = selectors.matte_read(matte=matte) if matte.state == MatteState.READY else None
        if png is None:
            pending = Response(
                {
                    "code": "matte_pending",
                    "detail": f"The matte is being computed: ask again in {MATTE_RETRY_AFTER_SECONDS} s.",
                },
                status=202,
            )
            pending["Retry-After"] = str(MATTE_RETRY_AFTER_SECONDS)
            return pending
        response = HttpResponse(png, content_type="image/png")
        disposition = "attachment" if flag(request, "download") else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="annotation-{annotation.id}-matte.png"'
        response["Cache-Control"] = "private, no-cache"
        return response
