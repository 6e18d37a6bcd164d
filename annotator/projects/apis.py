"""REST endpoints for projects and their label classes."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.projects import selectors, services
from annotator.projects.models import Role
from annotator.projects.serializers import (
    LabelClassInputSerializer,
    LabelClassSerializer,
    ProjectInputSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
)


class ProjectListApi(APIView):
    @extend_schema(responses=ProjectSerializer(many=True))
    def get(self, request: Request) -> Response:
        projects = selectors.project_list(user=request.user).prefetch_related("label_classes")
        roles = selectors.membership_roles(user=request.user)
        return Response(ProjectSerializer(projects, many=True, context={"roles": roles}).data)

    @extend_schema(request=ProjectInputSerializer, responses={201: ProjectSerializer})
    def post(self, request: Request) -> Response:
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
        membership = selectors.membership_get(user=request.user, project_id=project_id)
        context = {"roles": {project_id: membership.role}}
        return Response(ProjectSerializer(membership.project, context=context).data)

    @extend_schema(request=ProjectUpdateSerializer, responses=ProjectSerializer)
    def patch(self, request: Request, project_id: int) -> Response:
        """Admins choose the project's engine and pipeline."""
        membership = selectors.membership_require_role(
            user=request.user, project_id=project_id, roles=(Role.ADMIN,)
        )
        data = ProjectUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_configure(
            project=membership.project,
            engine=data.validated_data.get("engine"),
            pipeline=data.validated_data.get("pipeline"),
        )
        context = {"roles": {project_id: membership.role}}
        return Response(ProjectSerializer(project, context=context).data)


class LabelClassListApi(APIView):
    @extend_schema(responses=LabelClassSerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        selectors.membership_get(user=request.user, project_id=project_id)
        classes = selectors.label_class_list(project_id=project_id)
        return Response(LabelClassSerializer(classes, many=True).data)

    @extend_schema(request=LabelClassInputSerializer, responses={201: LabelClassSerializer})
    def post(self, request: Request, project_id: int) -> Response:
        membership = selectors.membership_require_role(
            user=request.user, project_id=project_id, roles=selectors.SETUP_ROLES
        )
        data = LabelClassInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        label_class = services.label_class_create(
            project=membership.project,
            name=data.validated_data["name"],
            colour=data.validated_data.get("colour"),
        )
        return Response(LabelClassSerializer(label_class).data, status=201)
