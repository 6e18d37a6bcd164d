"""REST endpoints of online adaptation: a class decoder's history, switch, rollback, reset
and replay checks; a project's switch and variant.

Admins and managers of the project only.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.adaptation import selectors, services
from annotator.adaptation.serializers import (
    DecoderHistorySerializer,
    DecoderRollbackSerializer,
    DecoderSwitchSerializer,
    ProjectAdaptationSerializer,
    ReplayCheckSerializer,
    ReplayRequestSerializer,
)
from annotator.adaptation.tasks import run_replay_check
from annotator.projects.models import LabelClass
from annotator.projects.permissions import Action
from annotator.projects.selectors import label_class_get, membership_require


def _label_class(
    request: Request, project_id: int, class_id: int, action: Action = Action.ADAPTATION_MANAGE
) -> LabelClass:
    membership_require(user=request.user, project_id=project_id, action=action)
    return label_class_get(project_id=project_id, class_id=class_id)


def _history(label_class: LabelClass) -> Response:
    return Response(DecoderHistorySerializer(selectors.decoder_history(label_class=label_class)).data)


class DecoderApi(APIView):
    @extend_schema(responses=DecoderHistorySerializer)
    def get(self, request: Request, project_id: int, class_id: int) -> Response:
        return _history(_label_class(request, project_id, class_id, Action.ADAPTATION_VIEW))

    @extend_schema(request=DecoderSwitchSerializer, responses=DecoderHistorySerializer)
    def patch(self, request: Request, project_id: int, class_id: int) -> Response:
        label_class = _label_class(request, project_id, class_id)
        body = DecoderSwitchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.decoder_set_enabled(label_class=label_class, enabled=body.validated_data["enabled"])
        return _history(label_class)


class DecoderRollbackApi(APIView):
    @extend_schema(request=DecoderRollbackSerializer, responses=DecoderHistorySerializer)
    def post(self, request: Request, project_id: int, class_id: int) -> Response:
        label_class = _label_class(request, project_id, class_id)
        body = DecoderRollbackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.decoder_rollback(
            label_class=label_class,
            version=body.validated_data["version"],
            user=request.user,  # type: ignore[arg-type]
        )
        return _history(label_class)


class DecoderResetApi(APIView):
    @extend_schema(request=None, responses=DecoderHistorySerializer)
    def post(self, request: Request, project_id: int, class_id: int) -> Response:
        label_class = _label_class(request, project_id, class_id)
        services.decoder_reset(label_class=label_class, user=request.user)  # type: ignore[arg-type]
        return _history(label_class)


class ReplayCheckListApi(APIView):
    @extend_schema(request=ReplayRequestSerializer, responses={202: ReplayCheckSerializer})
    def post(self, request: Request, project_id: int, class_id: int) -> Response:
        """Replay the class's latest accepted objects with the current decoder and a candidate
        version; the check runs on a worker (poll it until ``status`` is done or failed)."""
        label_class = _label_class(request, project_id, class_id)
        body = ReplayRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check = services.replay_check_request(
            label_class=label_class,
            version=body.validated_data["version"],
            objects=body.validated_data["objects"],
            user=request.user,  # type: ignore[arg-type]
        )
        run_replay_check.delay(check.id)
        check.refresh_from_db()
        return Response(ReplayCheckSerializer(check).data, status=status.HTTP_202_ACCEPTED)


class ReplayCheckApi(APIView):
    @extend_schema(responses=ReplayCheckSerializer)
    def get(self, request: Request, project_id: int, class_id: int, check_id: int) -> Response:
        label_class = _label_class(request, project_id, class_id, Action.ADAPTATION_VIEW)
        return Response(
            ReplayCheckSerializer(selectors.replay_check_get(label_class=label_class, check_id=check_id)).data
        )


class ProjectAdaptationApi(APIView):
    @extend_schema(responses=ProjectAdaptationSerializer)
    def get(self, request: Request, project_id: int) -> Response:
        membership_require(user=request.user, project_id=project_id, action=Action.ADAPTATION_VIEW)
        return Response(ProjectAdaptationSerializer(selectors.project_adaptation(project_id=project_id)).data)

    @extend_schema(request=ProjectAdaptationSerializer, responses=ProjectAdaptationSerializer)
    def patch(self, request: Request, project_id: int) -> Response:
        membership = membership_require(
            user=request.user, project_id=project_id, action=Action.ADAPTATION_MANAGE
        )
        body = ProjectAdaptationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        updated = services.project_adaptation_update(
            project=membership.project,
            user=request.user,  # type: ignore[arg-type]
            changes=dict(body.validated_data),
        )
        return Response(ProjectAdaptationSerializer(updated).data)
