"""Reads about projects and who may do what in them (the rules: ``permissions.py``)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AbstractUser, AnonymousUser
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone
from rest_framework.authtoken.models import Token

from annotator.common.errors import Conflict, Forbidden, NotFound
from annotator.projects.models import Invitation, LabelClass, Membership, Project
from annotator.projects.permissions import (
    CORRECT_OWN,
    IMAGE_OWN,
    OBJECT_OWN,
    ROLE_ORDER,
    RULES,
    Action,
    SiteAction,
    allowed,
    site_allowed,
)

User = AbstractBaseUser | AnonymousUser


def project_list(*, user: User, archived: bool = False) -> QuerySet[Project]:
    """The user's projects: the active ones, or the archived ones."""
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(memberships__user_id=int(user.pk), archived_at__isnull=not archived)


def membership_roles(*, user: User) -> dict[int, str]:
    """The user's role in each of their projects, by project id."""
    if not user.is_authenticated:
        return {}
    return dict(Membership.objects.filter(user_id=int(user.pk)).values_list("project_id", "role"))


def membership_get(*, user: User, project_id: int) -> Membership:
    """The user's membership of a project; NotFound when there is none (hides the project)."""
    if not user.is_authenticated:
        raise NotFound("Project not found.")
    memberships = Membership.objects.select_related("project")
    membership = memberships.filter(user_id=int(user.pk), project_id=project_id).first()
    if membership is None:
        raise NotFound("Project not found.")
    return membership


_NOT_OWN_CODES = {IMAGE_OWN: "not_assigned", OBJECT_OWN: "not_your_object", CORRECT_OWN: "not_your_object"}


def check_allowed(membership: Membership, action: Action, *, own: bool = True) -> None:
    """Raise unless the member may do ``action`` (on their own target, or on another's):
    Forbidden (``forbidden``, or ``not_assigned`` / ``not_your_object`` where only the target's
    owner may), or Conflict ``project_archived`` for a write in an archived project."""
    rule = RULES[action]
    if not allowed(membership.role, action, own=own):
        if rule.owner is not None and allowed(membership.role, action, own=True):
            raise Forbidden(
                f"Your role ({membership.role}) may {rule.what} only where {rule.owner}.",
                code=_NOT_OWN_CODES[rule.owner],
            )
        raise Forbidden(f"Your role ({membership.role}) may not {rule.what}.")
    if rule.writes and action != Action.PROJECT_ARCHIVE and membership.project.archived_at is not None:
        raise Conflict("This project is archived: its admin can bring it back.", code="project_archived")


def membership_require(*, user: User, project_id: int, action: Action, own: bool = True) -> Membership:
    """The user's membership of the project, if it allows ``action`` (``check_allowed``)."""
    membership = membership_get(user=user, project_id=project_id)
    check_allowed(membership, action, own=own)
    return membership


def may_create_projects(*, user: User) -> bool:
    return site_allowed(user, SiteAction.PROJECT_CREATE, project_creators=settings.MASKLOOP_PROJECT_CREATORS)


def label_class_list(*, project_id: int, deleted: bool | None = False) -> QuerySet[LabelClass]:
    """The project's classes: live ones, deleted ones (``deleted``), or both (None)."""
    classes = LabelClass.all_objects.filter(project_id=project_id)
    return classes if deleted is None else classes.filter(deleted_at__isnull=not deleted)


def label_class_get(*, project_id: int, class_id: int, deleted: bool | None = False) -> LabelClass:
    """One class of the project (``deleted`` as in ``label_class_list``); NotFound otherwise."""
    label_class = label_class_list(project_id=project_id, deleted=deleted).filter(id=class_id).first()
    if label_class is None:
        raise NotFound("Label class not found in this project.", code="unknown_class")
    return label_class


def member_list(*, project_id: int) -> QuerySet[Membership]:
    """The project's members: admins, managers, reviewers, annotators, each by name."""
    rank = Case(*(When(role=role, then=Value(i)) for i, role in enumerate(ROLE_ORDER)))
    return (
        Membership.objects.filter(project_id=project_id)
        .select_related("user")
        .order_by(rank, "user__username")
    )


def member_get(*, project_id: int, user_id: int) -> Membership:
    membership = Membership.objects.select_related("user", "project").filter(
        project_id=project_id, user_id=user_id
    )
    found = membership.first()
    if found is None:
        raise NotFound("This user is not a member of the project.", code="unknown_member")
    return found


def invitation_list(*, project_id: int) -> QuerySet[Invitation]:
    return Invitation.objects.filter(project_id=project_id).select_related("created_by", "used_by")


def token_digest(token: str) -> str:
    """What an invitation keeps of its link's secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_find(*, token: str) -> Invitation:
    """The invitation behind a link, whatever its state; NotFound for an unknown link."""
    invitation = Invitation.objects.select_related("project").filter(token_digest=token_digest(token)).first()
    if invitation is None:
        raise NotFound("This invitation link is not valid.", code="unknown_invitation")
    return invitation


def invitation_state(invitation: Invitation) -> str:
    """pending, used, revoked or expired."""
    if invitation.used_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= timezone.now():
        return "expired"
    return "pending"


def user_list(*, search: str = "") -> QuerySet[AbstractUser]:
    """The site's active accounts, by username (those whose username or e-mail holds ``search``)."""
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    search = search.strip()
    if search:
        users = users.filter(Q(username__icontains=search) | Q(email__icontains=search))
    return users


def has_token(*, user: User) -> bool:
    return user.is_authenticated and Token.objects.filter(user_id=int(user.pk)).exists()


def engines_requested() -> list[str]:
    """Every engine name some project asks for, sorted."""
    return sorted(set(Project.objects.values_list("engine", flat=True)))
