"""REST endpoints of review: the queue, an image's review (objects, verdicts, comments),
finishing it, and the history of an image and of an object."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.annotations.selectors import annotation_access, annotation_get
from annotator.common.pagination import PagedApi
from annotator.images.models import ImageAsset
from annotator.images.selectors import image_access
from annotator.images.serializers import ImageSerializer
from annotator.projects.permissions import Action
from annotator.projects.selectors import membership_require
from annotator.review import selectors, services
from annotator.review.serializers import (
    CommentInputSerializer,
    CommentSerializer,
    FinishInputSerializer,
    ImageReviewSerializer,
    ObjectHistorySerializer,
    ObjectReviewSerializer,
    RoundSerializer,
    VerdictInputSerializer,
)


def _review_body(image: ImageAsset) -> dict[str, Any]:
    return {
        "image": image.id,
        "status": image.status,
        "objects": selectors.review_state(image=image),
        "comments": selectors.comment_list(image=image),
        "rounds": selectors.round_list(image=image),
    }


class ReviewQueueApi(PagedApi):
    @extend_schema(responses=ImageSerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        """The images marked done, waiting for review, in order."""
        membership_require(user=request.user, project_id=project_id, action=Action.PROJECT_PROGRESS)
        return self.page(request, selectors.review_queue(project_id=project_id), ImageSerializer)


class ImageReviewApi(APIView):
    @extend_schema(responses=ImageReviewSerializer)
    def get(self, request: Request, image_id: int) -> Response:
        """Each object with where it stands (new, changed since its last verdict, reviewed,
        deleted since), the comments, and the finished reviews."""
        _, image = image_access(user=request.user, image_id=image_id, action=Action.IMAGE_VIEW)
        return Response(ImageReviewSerializer(_review_body(image)).data)


class ObjectVerdictApi(APIView):
    @extend_schema(request=VerdictInputSerializer, responses={201: ObjectReviewSerializer})
    def post(self, request: Request, image_id: int, annotation_id: int) -> Response:
        """Accept or reject an object as it is now, with a comment (pinned to x, y) if given."""
        _, image = image_access(user=request.user, image_id=image_id, action=Action.IMAGE_REVIEW)
        annotation = annotation_get(
            project_id=image.project_id, image_id=image.id, annotation_id=annotation_id
        )
        data = VerdictInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.object_verdict(annotation=annotation, reviewer=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(ObjectReviewSerializer(review).data, status=201)


class CommentListApi(APIView):
    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer})
    def post(self, request: Request, image_id: int) -> Response:
        """A reviewer's note on the image, about one of its objects or not, pinned or not."""
        _, image = image_access(user=request.user, image_id=image_id, action=Action.IMAGE_REVIEW)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        about = data.validated_data.pop("annotation")
        annotation = (
            None if about is None else annotation_get(project_id=image.project_id, annotation_id=about)
        )
        comment = services.comment_add(
            image=image,
            author=request.user,  # type: ignore[arg-type]
            annotation=annotation,
            **data.validated_data,
        )
        return Response(CommentSerializer(comment).data, status=201)


class CommentResolveApi(APIView):
    @extend_schema(request=None, responses=CommentSerializer)
    def post(self, request: Request, image_id: int, comment_id: int) -> Response:
        _, image = image_access(user=request.user, image_id=image_id, action=Action.IMAGE_REVIEW)
        comment = services.comment_resolve(
            comment=selectors.comment_get(image=image, comment_id=comment_id),
            user=request.user,  # type: ignore[arg-type]
        )
        return Response(CommentSerializer(comment).data)


class ReviewFinishApi(APIView):
    @extend_schema(request=FinishInputSerializer, responses=RoundSerializer)
    def post(self, request: Request, image_id: int) -> Response:
        """End the review: the image is accepted when every object is, else it goes back to
        its annotators as needs fixes (409 objects_unreviewed while an object's latest
        revision has no verdict)."""
        _, image = image_access(user=request.user, image_id=image_id, action=Action.IMAGE_REVIEW)
        data = FinishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finished = services.review_finish(
            image=image,
            reviewer=request.user,  # type: ignore[arg-type]
            note=data.validated_data["note"],
        )
        return Response(RoundSerializer(finished).data)


class ImageReviewHistoryApi(PagedApi):
    @extend_schema(responses=RoundSerializer(many=True))
    def get(self, request: Request, image_id: int) -> Response:
        """The finished reviews of the image, oldest first."""
        _, image = image_access(user=request.user, image_id=image_id, action=Action.IMAGE_VIEW)
        return self.page(request, selectors.round_list(image=image), RoundSerializer)


class ObjectReviewHistoryApi(APIView):
    @extend_schema(responses=ObjectHistorySerializer)
    def get(self, request: Request, project_id: int, annotation_id: int) -> Response:
        """The object's verdicts and the comments about it, oldest first."""
        _, annotation = annotation_access(
            user=request.user,
            project_id=project_id,
            annotation_id=annotation_id,
            action=Action.PROJECT_VIEW,
            deleted=None,
        )
        verdicts, comments = selectors.object_history(annotation=annotation)
        return Response(ObjectHistorySerializer({"verdicts": verdicts, "comments": comments}).data)
