"""HTML pages. Each renders a shell; the page's ES module fetches its data from the API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from annotator.common.errors import DomainError, NotFound
from annotator.exports.models import ExportFormat, ImportFormat
from annotator.images.models import ImageStatus
from annotator.images.selectors import assigned_class_ids, image_access
from annotator.projects.engines import engine_in_use, engine_options
from annotator.projects.models import Assignment, Membership
from annotator.projects.permissions import Action, allowed
from annotator.projects.selectors import may_create_projects, membership_require
from inference.pipelines import available_pipelines


def _not_found(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "not_found.html", {"detail": error.detail}, status=404)


def _project_context(membership: Membership, **extra: Any) -> dict[str, Any]:
    """What every page of a project shows: the project, the user's role, what that role may
    do (``can.<action>`` on anyone's targets, ``may.<action>`` on its own, for the tabs and
    buttons), the engine in use."""
    role = membership.role
    return {
        "project": membership.project,
        "role": role,
        "can": {action.name.lower(): allowed(role, action, own=False) for action in Action},
        # What the role may do on its own targets (its own images, objects, figures).
        "may": {action.name.lower(): allowed(role, action, own=True) for action in Action},
        "engine": engine_in_use(membership.project.engine),
        "assignment_modes": Assignment.choices,
        **extra,
    }


def _project_page(request: HttpRequest, project_id: int, action: Action, template: str) -> HttpResponse:
    try:
        membership = membership_require(user=request.user, project_id=project_id, action=action)
    except DomainError as error:
        return _not_found(request, error)
    return render(request, template, _project_context(membership))


@login_required
@ensure_csrf_cookie
def projects(request: HttpRequest) -> HttpResponse:
    return render(request, "projects.html", {"can_create": may_create_projects(user=request.user)})


@login_required
@ensure_csrf_cookie
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    """Work, progress, classes and images of a project."""
    return _project_page(request, project_id, Action.PROJECT_VIEW, "project.html")


@login_required
@ensure_csrf_cookie
def members(request: HttpRequest, project_id: int) -> HttpResponse:
    """Members, roles and invitations."""
    return _project_page(request, project_id, Action.MEMBER_LIST, "members.html")


@login_required
@ensure_csrf_cookie
def project_settings(request: HttpRequest, project_id: int) -> HttpResponse:
    """Name, engine, pipeline, how images are handed out, the archive, and what was deleted."""
    try:
        membership = membership_require(user=request.user, project_id=project_id, action=Action.PROJECT_VIEW)
        if not allowed(membership.role, Action.ANNOTATION_TRASH) and not allowed(
            membership.role, Action.PROJECT_CONFIGURE
        ):
            raise NotFound("Only the project's admins and managers see its settings.")
    except DomainError as error:
        return _not_found(request, error)
    context = _project_context(membership, engines=engine_options(), pipelines=available_pipelines())
    return render(request, "project_settings.html", context)


@login_required
@ensure_csrf_cookie
def data(request: HttpRequest, project_id: int) -> HttpResponse:
    """Export the project's dataset and import into it."""
    try:
        membership = membership_require(
            user=request.user, project_id=project_id, action=Action.DATASET_EXPORT
        )
    except DomainError as error:
        return _not_found(request, error)
    context = _project_context(
        membership,
        export_formats=ExportFormat.choices,
        import_formats=ImportFormat.choices,
        statuses=ImageStatus.choices,
    )
    return render(request, "data.html", context)


@login_required
@ensure_csrf_cookie
def annotate(request: HttpRequest, project_id: int, image_id: int) -> HttpResponse:
    try:
        membership, image = image_access(user=request.user, image_id=image_id, action=Action.IMAGE_VIEW)
        if membership.project_id != project_id:
            raise NotFound("Image not found in this project.")
    except DomainError as error:
        return _not_found(request, error)
    # An annotator given the image for some classes only outlines objects of those.
    assigned = None
    if not allowed(membership.role, Action.SESSION_OPEN, own=False):
        assigned = assigned_class_ids(image_id=image.id, user_id=membership.user_id)
    context = _project_context(
        membership,
        image=image,
        resync_ms=settings.MASKLOOP_PAGE_RESYNC_MS,
        hold_ms=settings.MASKLOOP_OBJECT_LOCK_SECONDS * 1000 // 3,
        outlined_classes=",".join(str(i) for i in assigned or ()),
    )
    return render(request, "annotate.html", context)


@login_required
@ensure_csrf_cookie
def adaptation(request: HttpRequest, project_id: int) -> HttpResponse:
    """Online adaptation of the project's classes: variant, versions, rollback, replay checks."""
    return _project_page(request, project_id, Action.ADAPTATION_VIEW, "adaptation.html")


@login_required
@ensure_csrf_cookie
def analytics(request: HttpRequest, project_id: int) -> HttpResponse:
    """Clicks, time and failures per class and annotator, whether the model is learning, and
    service health (a member who sees only their own figures gets those)."""
    return _project_page(request, project_id, Action.ANALYTICS_VIEW, "analytics.html")
