"""Reads about projects and who may do what in them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from annotator.common.errors import Forbidden, NotFound
from annotator.projects.models import LabelClass, Membership, Project, Role

User = AbstractBaseUser | AnonymousUser

# Roles allowed to change a project's set-up (classes, images).
SETUP_ROLES = (Role.ADMIN, Role.MANAGER)


def project_list(*, user: User) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(memberships__user_id=int(user.pk)).distinct()


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


def membership_require_role(*, user: User, project_id: int, roles: tuple[str, ...]) -> Membership:
    membership = membership_get(user=user, project_id=project_id)
    if membership.role not in roles:
        raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")
    return membership


def label_class_list(*, project_id: int) -> QuerySet[LabelClass]:
    return LabelClass.objects.filter(project_id=project_id)


def label_class_get(*, project_id: int, class_id: int) -> LabelClass:
    label_class = LabelClass.objects.filter(project_id=project_id, id=class_id).first()
    if label_class is None:
        raise NotFound("Label class not found in this project.")
    return label_class


def engines_requested() -> list[str]:
    """Every engine name some project asks for, sorted."""
    return sorted(set(Project.objects.values_list("engine", flat=True)))
