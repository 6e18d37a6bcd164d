"""REST endpoints for projects and their label classes."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.common.errors import Forbidden
from annotator.common.pagination import PagedApi
from annotator.common.params import DELETED, flag
from annotator.projects import selectors, services
from annotator.projects.permissions import Action
from annotator.projects.serializers import (
    LabelClassChangeSerializer,
    LabelClassInputSerializer,
    LabelClassOrderSerializer,
    LabelClassSerializer,
    ProjectInputSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
)


class ProjectListApi(PagedApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("archived", OpenApiTypes.BOOL, description="the archived projects instead")
        ],
        responses=ProjectSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        projects = selectors.project_list(user=request.user, archived=flag(request, "archived"))
        roles = selectors.membership_roles(user=request.user)
        return self.page(
            request, projects.prefetch_related("label_classes"), ProjectSerializer, {"roles": roles}
        )

    @extend_schema(request=ProjectInputSerializer, responses={201: ProjectSerializer})
    def post(self, request: Request) -> Response:
        """Create a project (site staff, or everyone where MASKLOOP_PROJECT_CREATORS=all)."""
        if not selectors.may_create_projects(user=request.user):
            raise Forbidden("Only the site's staff create projects here.", code="cannot_create_projects")
        data = ProjectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            project = services.project_create(
                creator=request.user,  # type: ignore[arg-type]
                name=data.validated_data["name"],
                description=data.validated_data["description"],
                engine=data.validated_data["engine"],
                pipeline=data.validated_data["pipeline"],
            )
            for name in data.validated_data["classes"]:
                services.label_class_create(project=project, name=name)
        body = ProjectSerializer(project, context={"roles": {project.id: "admin"}}).data
        return Response(body, status=201)


class ProjectDetailApi(APIView):
    @extend_schema(responses=ProjectSerializer)
    def get(self, request: Request, project_id: int) -> Response:
        membership = selectors.membership_require(
            user=request.user, project_id=project_id, action=Action.PROJECT_VIEW
        )
        context = {"roles": {project_id: membership.role}}
        return Response(ProjectSerializer(membership.project, context=context).data)

    @extend_schema(request=ProjectUpdateSerializer, responses=ProjectSerializer)
    def patch(self, request: Request, project_id: int) -> Response:
        """Admins rename the project and choose its engine, pipeline and assignment mode."""
        membership = selectors.membership_require(
            user=request.user, project_id=project_id, action=Action.PROJECT_CONFIGURE
        )
        data = ProjectUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_configure(project=membership.project, **data.validated_data)
        context = {"roles": {project_id: membership.role}}
        return Response(ProjectSerializer(project, context=context).data)


class ProjectArchiveApi(APIView):
    @extend_schema(request=None, responses=ProjectSerializer)
    def post(self, request: Request, project_id: int) -> Response:
        """Archive the project: read-only, listed apart."""
        return self._set(request, project_id, archived=True)

    @extend_schema(request=None, responses=ProjectSerializer)
    def delete(self, request: Request, project_id: int) -> Response:
        """Bring the project back from the archive."""
        return self._set(request, project_id, archived=False)

    def _set(self, request: Request, project_id: int, *, archived: bool) -> Response:
        membership = selectors.membership_require(
            user=request.user, project_id=project_id, action=Action.PROJECT_ARCHIVE
        )
        project = services.project_archive(project=membership.project, archived=archived)
        return Response(ProjectSerializer(project, context={"roles": {project_id: membership.role}}).data)


class LabelClassListApi(PagedApi):
    @extend_schema(parameters=[DELETED], responses=LabelClassSerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        deleted = flag(request, "deleted")
        action = Action.CLASS_RESTORE if deleted else Action.PROJECT_VIEW
        selectors.membership_require(user=request.user, project_id=project_id, action=action)
        classes = selectors.label_class_list(project_id=project_id, deleted=deleted)
        return self.page(request, classes, LabelClassSerializer)

    @extend_schema(request=LabelClassInputSerializer, responses={201: LabelClassSerializer})
    def post(self, request: Request, project_id: int) -> Response:
        membership = selectors.membership_require(
            user=request.user, project_id=project_id, action=Action.CLASS_MANAGE
        )
        data = LabelClassInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        label_class = services.label_class_create(
            project=membership.project,
            name=data.validated_data["name"],
            colour=data.validated_data.get("colour"),
        )
        return Response(LabelClassSerializer(label_class).data, status=201)


class LabelClassDetailApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("confirm", OpenApiTypes.BOOL, description="delete it even though objects use it")
        ],
        responses={204: None},
    )
    def delete(self, request: Request, project_id: int, class_id: int) -> Response:
        """Delete the class; refused (409 class_in_use) while saved objects use it, unless
        confirmed: then it and its objects are hidden until an admin brings them back."""
        selectors.membership_require(user=request.user, project_id=project_id, action=Action.CLASS_MANAGE)
        label_class = selectors.label_class_get(project_id=project_id, class_id=class_id, deleted=None)
        services.label_class_delete(label_class=label_class, confirm=flag(request, "confirm"))
        return Response(status=204)

    @extend_schema(request=LabelClassChangeSerializer, responses=LabelClassSerializer)
    def patch(self, request: Request, project_id: int, class_id: int) -> Response:
        """Rename or recolour the class; its saved objects keep it."""
        selectors.membership_require(user=request.user, project_id=project_id, action=Action.CLASS_MANAGE)
        label_class = selectors.label_class_get(project_id=project_id, class_id=class_id)
        data = LabelClassChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changed = services.label_class_update(label_class=label_class, **data.validated_data)
        return Response(LabelClassSerializer(changed).data)


class LabelClassOrderApi(APIView):
    @extend_schema(request=LabelClassOrderSerializer, responses=LabelClassSerializer(many=True))
    def post(self, request: Request, project_id: int) -> Response:
        """Put the project's classes in a new order (every live class, each once): the
        annotation page's drop-down and number keys follow it."""
        membership = selectors.membership_require(
            user=request.user, project_id=project_id, action=Action.CLASS_MANAGE
        )
        data = LabelClassOrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ordered = services.label_classes_reorder(
            project=membership.project, class_ids=data.validated_data["class_ids"]
        )
        return Response(LabelClassSerializer(ordered, many=True).data)


class LabelClassRestoreApi(APIView):
    @extend_schema(request=None, responses=LabelClassSerializer)
    def post(self, request: Request, project_id: int, class_id: int) -> Response:
        """Bring a deleted class back, with its objects."""
        selectors.membership_require(user=request.user, project_id=project_id, action=Action.CLASS_RESTORE)
        label_class = selectors.label_class_get(project_id=project_id, class_id=class_id, deleted=True)
        return Response(LabelClassSerializer(services.label_class_restore(label_class=label_class)).data)
