"""Writes to who is in a project: members and their roles, invitations, and accounts."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from annotator.common.errors import Conflict, InvalidInput, NotFound
from annotator.projects.models import Invitation, Membership, Project, Role
from annotator.projects.selectors import invitation_find, invitation_state, token_digest
from annotator.projects.signals import member_removed

INVITATION_DAYS = (1, 90)


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise InvalidInput(
            f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.", code="invalid_role"
        )


def _lock_project(project: Project) -> None:
    """Membership changes of one project run one at a time (the last-admin rule counts admins)."""
    Project.objects.select_for_update().filter(id=project.id).first()


def _check_admin_left(project: Project, leaving: Membership) -> None:
    if leaving.role != Role.ADMIN:
        return
    if not Membership.objects.filter(project=project, role=Role.ADMIN).exclude(id=leaving.id).exists():
        raise Conflict("A project needs an admin: make another member admin first.", code="last_admin")


def user_find(*, who: str) -> User:
    """The account with this username, or else this e-mail address (case ignored)."""
    who = who.strip()
    users = get_user_model().objects.filter(is_active=True)
    by_name = users.filter(username__iexact=who).first()
    if by_name is not None:
        return by_name
    by_email = list(users.filter(email__iexact=who)[:2]) if who else []
    if len(by_email) > 1:
        raise Conflict(f"Several accounts use {who!r}: give the username instead.", code="ambiguous_email")
    if not by_email:
        raise NotFound(f"No account has the username or e-mail {who!r}.", code="unknown_user")
    return by_email[0]


@transaction.atomic
def member_add(*, project: Project, who: str, role: str) -> Membership:
    """Add an existing account (by username or e-mail) to the project with a role."""
    _check_role(role)
    user = user_find(who=who)
    _lock_project(project)
    if Membership.objects.filter(project=project, user=user).exists():
        raise Conflict(f"{user.get_username()} is already a member.", code="already_member")
    return Membership.objects.create(project=project, user=user, role=role)


@transaction.atomic
def member_set_role(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; the last admin keeps theirs."""
    _check_role(role)
    _lock_project(membership.project)
    membership.refresh_from_db()
    if role != Role.ADMIN:
        _check_admin_left(membership.project, membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, removed_by: User) -> None:
    """Take a member out of the project. What they saved stays, still theirs; the images they
    had not finished go back to be handed out (``member_removed``'s listeners)."""
    _lock_project(membership.project)
    _check_admin_left(membership.project, membership)
    membership.delete()
    member_removed.send(
        Membership, project_id=membership.project_id, user_id=membership.user_id, removed_by=removed_by
    )


def _digest(token: str) -> str:
    return token_digest(token)


def invitation_create(
    *, project: Project, role: str, created_by: User, email: str = "", days: int = 7
) -> tuple[Invitation, str]:
    """A single-use invitation to join with ``role``, valid for ``days``; returns it and the
    secret of its link (shown this once: only its digest is stored)."""
    _check_role(role)
    low, high = INVITATION_DAYS
    if not low <= days <= high:
        raise InvalidInput(f"An invitation lasts {low} to {high} days.", code="invalid_expiry")
    email = email.strip()
    if email:
        _check_email(email)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        project=project,
        role=role,
        email=email,
        token_digest=_digest(token),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return invitation, token


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(id=invitation.id)
        _check_usable(locked)
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


def _check_usable(invitation: Invitation) -> None:
    state = invitation_state(invitation)
    if state != "pending":
        raise Conflict(
            f"This invitation is {state}: ask the project's admin for a new one.", code=f"invitation_{state}"
        )


def _claim(token: str, user: User) -> Membership:
    """Use the invitation for ``user`` (inside a transaction, its row locked)."""
    invitation = Invitation.objects.select_for_update().filter(token_digest=_digest(token)).first()
    if invitation is None:
        raise NotFound("This invitation link is not valid.", code="unknown_invitation")
    _check_usable(invitation)
    if Membership.objects.filter(project_id=invitation.project_id, user=user).exists():
        raise Conflict("You are already a member of this project.", code="already_member")
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    return Membership.objects.create(project_id=invitation.project_id, user=user, role=invitation.role)


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """An account that exists joins through the invitation."""
    return _claim(token, user)


@transaction.atomic
def invitation_sign_up(*, token: str, username: str, password: str, email: str = "") -> Membership:
    """A new account, made through the invitation, joins with its role. Nothing is stored when
    a check fails (the account and the membership are made together or not at all)."""
    invitation = invitation_find(token=token)
    _check_usable(invitation)
    user = user_create(username=username, password=password, email=email or invitation.email)
    return _claim(token, user)


def _check_email(email: str) -> None:
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(f"{email!r} is not an e-mail address.", code="invalid_email") from None


@transaction.atomic
def user_create(*, username: str, password: str, email: str = "", is_staff: bool = False) -> User:
    """A new account; refuses a taken or malformed username, a weak password or a bad e-mail."""
    username = username.strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise InvalidInput(
            "A username is 1 to 150 letters, digits and @ . + - _ only.", code="invalid_username"
        ) from None
    if not username or len(username) > 150:
        raise InvalidInput("A username is 1 to 150 characters.", code="invalid_username")
    email = email.strip()
    if email:
        _check_email(email)
    model = get_user_model()
    if model.objects.filter(username__iexact=username).exists():
        raise Conflict(f"The username {username!r} is taken.", code="username_taken")
    user = model(username=username, email=email, is_staff=is_staff)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), code="invalid_password") from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict(f"The username {username!r} is taken.", code="username_taken") from None
    return user


@transaction.atomic
def token_renew(*, user: User) -> str:
    """A new API token for the user; the old one, if any, stops working."""
    Token.objects.filter(user=user).delete()
    return str(Token.objects.create(user=user).key)


def token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()
