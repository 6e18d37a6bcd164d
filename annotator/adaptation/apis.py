"""REST endpoints for a class's adapted decoder: history, switch, rollback, reset.

Admins and managers of the project only.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.adaptation import selectors, services
from annotator.adaptation.serializers import (
    DecoderHistorySerializer,
    DecoderRollbackSerializer,
    DecoderSwitchSerializer,
)
from annotator.projects.models import LabelClass
from annotator.projects.selectors import SETUP_ROLES, label_class_get, membership_require_role


def _label_class(request: Request, project_id: int, class_id: int) -> LabelClass:
    membership_require_role(user=request.user, project_id=project_id, roles=SETUP_ROLES)
    return label_class_get(project_id=project_id, class_id=class_id)


def _history(label_class: LabelClass) -> Response:
    return Response(DecoderHistorySerializer(selectors.decoder_history(label_class=label_class)).data)


class DecoderApi(APIView):
    @extend_schema(responses=DecoderHistorySerializer)
    def get(self, request: Request, project_id: int, class_id: int) -> Response:
        return _history(_label_class(request, project_id, class_id))

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
