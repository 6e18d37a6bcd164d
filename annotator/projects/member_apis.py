"""REST endpoints for people: a project's members and invitations, the site's accounts (staff),
and the caller's own account and API token."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.common.errors import Forbidden, NotFound
from annotator.common.json_parser import BoundedJSONParser
from annotator.common.pagination import PagedApi
from annotator.projects import member_services, selectors
from annotator.projects.models import Invitation
from annotator.projects.permissions import Action, SiteAction, site_allowed
from annotator.projects.serializers import (
    InvitationCreatedSerializer,
    InvitationInputSerializer,
    InvitationSerializer,
    MemberAddSerializer,
    MemberRoleSerializer,
    MemberSerializer,
    MeSerializer,
    TokenSerializer,
    UserInputSerializer,
    UserSerializer,
)

logger = logging.getLogger(__name__)


class MemberListApi(PagedApi):
    @extend_schema(responses=MemberSerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        selectors.membership_require(user=request.user, project_id=project_id, action=Action.MEMBER_LIST)
        return self.page(request, selectors.member_list(project_id=project_id), MemberSerializer)

    @extend_schema(request=MemberAddSerializer, responses={201: MemberSerializer})
    def post(self, request: Request, project_id: int) -> Response:
        """Add an existing account, by username or e-mail, with a role."""
        membership = selectors.membership_require(
            user=request.user, project_id=project_id, action=Action.MEMBER_MANAGE
        )
        data = MemberAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added = member_services.member_add(
            project=membership.project, who=data.validated_data["user"], role=data.validated_data["role"]
        )
        return Response(MemberSerializer(added).data, status=201)


class MemberDetailApi(APIView):
    @extend_schema(request=MemberRoleSerializer, responses=MemberSerializer)
    def patch(self, request: Request, project_id: int, user_id: int) -> Response:
        """Change a member's role (the last admin keeps theirs: 409 last_admin)."""
        selectors.membership_require(user=request.user, project_id=project_id, action=Action.MEMBER_MANAGE)
        data = MemberRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = selectors.member_get(project_id=project_id, user_id=user_id)
        member = member_services.member_set_role(membership=member, role=data.validated_data["role"])
        return Response(MemberSerializer(member).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, project_id: int, user_id: int) -> Response:
        """Remove a member: what they saved stays, still theirs; the images they had not
        finished go back to be handed out."""
        selectors.membership_require(user=request.user, project_id=project_id, action=Action.MEMBER_MANAGE)
        member = selectors.member_get(project_id=project_id, user_id=user_id)
        member_services.member_remove(membership=member, removed_by=request.user)  # type: ignore[arg-type]
        return Response(status=204)


class InvitationListApi(PagedApi):
    @extend_schema(responses=InvitationSerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        selectors.membership_require(
            user=request.user, project_id=project_id, action=Action.INVITATION_MANAGE
        )
        return self.page(request, selectors.invitation_list(project_id=project_id), InvitationSerializer)

    @extend_schema(request=InvitationInputSerializer, responses={201: InvitationCreatedSerializer})
    def post(self, request: Request, project_id: int) -> Response:
        """Invite someone: the answer holds the link, shown this once; with an e-mail address
        the link is also sent there."""
        membership = selectors.membership_require(
            user=request.user, project_id=project_id, action=Action.INVITATION_MANAGE
        )
        data = InvitationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, token = member_services.invitation_create(
            project=membership.project,
            role=data.validated_data["role"],
            email=data.validated_data["email"],
            days=data.validated_data["days"],
            created_by=request.user,  # type: ignore[arg-type]
        )
        url = request.build_absolute_uri(f"/invite/{token}/")
        emailed = _send_invitation(invitation, url) if invitation.email else False
        body = InvitationCreatedSerializer(invitation, context={"url": url, "emailed": emailed}).data
        return Response(body, status=201)


def _send_invitation(invitation: Invitation, url: str) -> bool:
    """E-mail the link; False (and a log line) when the mail server refuses."""
    project = invitation.project
    try:
        send_mail(
            f"You are invited to {project.name} on Maskloop",
            f"Join {project.name} as {invitation.role}: {url}\n\n"
            f"The link works once, until {invitation.expires_at:%Y-%m-%d %H:%M} UTC.",
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
        )
    except (smtplib.SMTPException, OSError):
        logger.exception("could not e-mail invitation %s", invitation.id)
        return False
    return True


class InvitationDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, project_id: int, invitation_id: int) -> Response:
        """Revoke a pending invitation: its link stops working."""
        selectors.membership_require(
            user=request.user, project_id=project_id, action=Action.INVITATION_MANAGE
        )
        invitation = selectors.invitation_list(project_id=project_id).filter(id=invitation_id).first()
        if invitation is None:
            raise NotFound("No such invitation in this project.", code="unknown_invitation")
        member_services.invitation_revoke(invitation=invitation)
        return Response(status=204)


def require_staff(request: Request) -> None:
    if not site_allowed(
        request.user, SiteAction.USER_MANAGE, project_creators=settings.MASKLOOP_PROJECT_CREATORS
    ):
        raise Forbidden("Only the site's staff manage accounts.", code="staff_only")


class UserListApi(PagedApi):
    @extend_schema(
        parameters=[OpenApiParameter("search", OpenApiTypes.STR, description="part of a username or e-mail")],
        responses=UserSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """The site's accounts (staff only)."""
        require_staff(request)
        return self.page(
            request, selectors.user_list(search=request.query_params.get("search", "")), UserSerializer
        )

    @extend_schema(request=UserInputSerializer, responses={201: UserSerializer})
    def post(self, request: Request) -> Response:
        """Create an account (staff only)."""
        require_staff(request)
        data = UserInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = member_services.user_create(**data.validated_data)
        return Response(UserSerializer(user).data, status=201)


class MeApi(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        """Who is calling, and what they may do on the site."""
        user = request.user
        body = {
            "id": user.pk,
            "username": user.get_username(),
            "email": getattr(user, "email", ""),
            "is_staff": bool(getattr(user, "is_staff", False)),
            "can_create_projects": selectors.may_create_projects(user=user),
            "has_token": selectors.has_token(user=user),
        }
        return Response(MeSerializer(body).data)


class MyTokenApi(APIView):
    @extend_schema(request=None, responses={201: TokenSerializer})
    def post(self, request: Request) -> Response:
        """A new API token for the caller (the old one, if any, stops working)."""
        token = member_services.token_renew(user=request.user)  # type: ignore[arg-type]
        return Response(TokenSerializer({"token": token}).data, status=201)

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        """Revoke the caller's API token."""
        member_services.token_revoke(user=request.user)  # type: ignore[arg-type]
        return Response(status=204)


class TokenLoginApi(ObtainAuthToken):
    """Trade a username and password for the account's API token (made on first use)."""

    parser_classes = [FormParser, BoundedJSONParser]

    def get_serializer_context(self) -> dict[str, Any]:
        # Login protection (django-axes) marks a locked-out attempt on Django's own request,
        # which its middleware answers; DRF's wrapper would keep the mark to itself.
        return {**super().get_serializer_context(), "request": self.request._request}
