"""REST endpoints of login lockouts, for the site's staff: the pairs locked out now, and lifting one."""

from __future__ import annotations

from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.common.pagination import PagedApi
from annotator.projects import lockouts
from annotator.projects.member_apis import require_staff


class LockoutSerializer(serializers.ModelSerializer[AccessAttempt]):
    failures = serializers.IntegerField(source="failures_since_start")
    last_attempt = serializers.DateTimeField(source="attempt_time")
    until = serializers.SerializerMethodField()

    class Meta:
        model = AccessAttempt
        fields = ["id", "username", "ip_address", "failures", "last_attempt", "until"]

    def get_until(self, attempt: AccessAttempt) -> datetime:
        return attempt.attempt_time + settings.AXES_COOLOFF_TIME


class LockoutListApi(PagedApi):
    @extend_schema(responses=LockoutSerializer(many=True))
    def get(self, request: Request) -> Response:
        """Usernames locked out from an address after repeated failed logins (staff only)."""
        require_staff(request)
        return self.page(request, lockouts.lockout_list(), LockoutSerializer)


class LockoutDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, lockout_id: int) -> Response:
        """Lift a lockout now (staff only)."""
        require_staff(request)
        lockouts.lockout_lift(lockout_id=lockout_id)
        return Response(status=204)
