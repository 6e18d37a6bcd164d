"""REST endpoints for handing out work: progress, assignments and an annotator's queue."""

from __future__ import annotations

from django.contrib.auth.models import User
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.common.errors import InvalidInput
from annotator.common.pagination import PagedApi
from annotator.images import assignments, selectors, work_queue
from annotator.images.serializers import (
    AssignedSerializer,
    AssignInputSerializer,
    AssignmentSerializer,
    CountSerializer,
    ImageSerializer,
    NeighboursSerializer,
    ProgressSerializer,
    UnassignInputSerializer,
)
from annotator.projects.permissions import Action
from annotator.projects.selectors import membership_require


class ProgressApi(APIView):
    @extend_schema(responses=ProgressSerializer)
    def get(self, request: Request, project_id: int) -> Response:
        """Images per status, those nobody holds, and each assignee's share."""
        membership = membership_require(
            user=request.user, project_id=project_id, action=Action.PROJECT_PROGRESS
        )
        return Response(ProgressSerializer(selectors.project_progress(project=membership.project)).data)


class AssignmentListApi(PagedApi):
    @extend_schema(
        parameters=[OpenApiParameter("user", OpenApiTypes.INT, description="only this member's")],
        responses=AssignmentSerializer(many=True),
    )
    def get(self, request: Request, project_id: int) -> Response:
        membership_require(user=request.user, project_id=project_id, action=Action.PROJECT_PROGRESS)
        user = request.query_params.get("user")
        if user is not None and not (user.isascii() and user.isdigit()):
            raise InvalidInput("'user' is a user id.", code="invalid_filter")
        listed = selectors.assignment_list(project_id=project_id, user_id=int(user) if user else None)
        return self.page(request, listed, AssignmentSerializer)

    @extend_schema(request=AssignInputSerializer, responses=AssignedSerializer)
    def post(self, request: Request, project_id: int) -> Response:
        """Give a member these images, or the next ``count`` unassigned ones, optionally for
        some classes only. Several members may share an image."""
        membership = membership_require(user=request.user, project_id=project_id, action=Action.IMAGE_ASSIGN)
        data = AssignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assigned = assignments.images_assign(
            project=membership.project,
            user=_user(data.validated_data["user"]),
            assigned_by=request.user,  # type: ignore[arg-type]
            image_ids=data.validated_data.get("images"),
            count=data.validated_data.get("count"),
            class_ids=data.validated_data["classes"],
        )
        return Response({"assigned": assigned})


def _user(user_id: int) -> User:
    user = User.objects.filter(id=user_id).first()
    if user is None:
        raise InvalidInput(f"No user has the id {user_id}.", code="unknown_member")
    return user


class AssignmentRemoveApi(APIView):
    @extend_schema(request=UnassignInputSerializer, responses=CountSerializer)
    def post(self, request: Request, project_id: int) -> Response:
        """Take these images back from a member (from everyone, without ``user``); what was
        saved on them stays."""
        membership = membership_require(user=request.user, project_id=project_id, action=Action.IMAGE_ASSIGN)
        data = UnassignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_id = data.validated_data.get("user")
        count = assignments.images_unassign(
            project=membership.project,
            image_ids=data.validated_data["images"],
            taken_by=request.user,  # type: ignore[arg-type]
            user=None if user_id is None else _user(user_id),
        )
        return Response({"count": count})


class WorkApi(PagedApi):
    @extend_schema(responses=ImageSerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        """My work: the images still to do that are mine (every one, in an open project), in order."""
        membership = membership_require(user=request.user, project_id=project_id, action=Action.PROJECT_VIEW)
        return self.page(request, work_queue.work_queue(membership=membership), ImageSerializer)


class WorkAroundApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("image", OpenApiTypes.INT, required=True)],
        responses=NeighboursSerializer,
    )
    def get(self, request: Request, project_id: int) -> Response:
        """The images before and after one in my work (wrapping round), for previous and next."""
        membership = membership_require(user=request.user, project_id=project_id, action=Action.PROJECT_VIEW)
        image = request.query_params.get("image", "")
        if not (image.isascii() and image.isdigit()):
            raise InvalidInput("'image' is an image id.", code="invalid_filter")
        return Response(
            NeighboursSerializer(work_queue.work_neighbours(membership=membership, image_id=int(image))).data
        )


class WorkTakeApi(APIView):
    @extend_schema(request=None, responses=ImageSerializer)
    def post(self, request: Request, project_id: int) -> Response:
        """Take the next unassigned image (projects that hand images out on demand); 409
        nothing_to_take when none is left."""
        membership = membership_require(user=request.user, project_id=project_id, action=Action.WORK_TAKE)
        image = assignments.image_take_next(project=membership.project, user=request.user)  # type: ignore[arg-type]
        return Response(ImageSerializer(selectors.image_get(project_id=project_id, image_id=image.id)).data)
