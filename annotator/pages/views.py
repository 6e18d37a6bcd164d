"""HTML pages. Each renders a shell; the page's ES module fetches its data from the API."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from annotator.common.errors import NotFound
from annotator.images.selectors import image_get
from annotator.projects.engines import engine_in_use
from annotator.projects.selectors import SETUP_ROLES, membership_get


def _not_found(request: HttpRequest, error: NotFound) -> HttpResponse:
    return render(request, "not_found.html", {"detail": error.detail}, status=404)


@login_required
@ensure_csrf_cookie
def projects(request: HttpRequest) -> HttpResponse:
    return render(request, "projects.html")


@login_required
@ensure_csrf_cookie
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    try:
        membership = membership_get(user=request.user, project_id=project_id)
    except NotFound as error:
        return _not_found(request, error)
    context = {
        "project": membership.project,
        "role": membership.role,
        "engine": engine_in_use(membership.project.engine),
    }
    return render(request, "project.html", context)


@login_required
@ensure_csrf_cookie
def annotate(request: HttpRequest, project_id: int, image_id: int) -> HttpResponse:
    try:
        membership = membership_get(user=request.user, project_id=project_id)
        image = image_get(project_id=project_id, image_id=image_id)
    except NotFound as error:
        return _not_found(request, error)
    context = {
        "project": membership.project,
        "image": image,
        "engine": engine_in_use(membership.project.engine),
        "resync_ms": settings.MASKLOOP_PAGE_RESYNC_MS,
    }
    return render(request, "annotate.html", context)


@login_required
@ensure_csrf_cookie
def adaptation(request: HttpRequest, project_id: int) -> HttpResponse:
    """Online adaptation of the project's classes: variant, versions, rollback, replay checks."""
    try:
        membership = membership_get(user=request.user, project_id=project_id)
        if membership.role not in SETUP_ROLES:
            raise NotFound("Only the project's admins and managers manage adaptation.")
    except NotFound as error:
        return _not_found(request, error)
    context = {"project": membership.project, "engine": engine_in_use(membership.project.engine)}
    return render(request, "adaptation.html", context)
