"""HTML pages. Each renders a shell; the page's ES module fetches its data from the API."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from annotator.common.errors import DomainError, NotFound
from annotator.images.selectors import image_access
from annotator.projects.engines import engine_in_use
from annotator.projects.permissions import Action
from annotator.projects.selectors import membership_get, membership_require


def _not_found(request: HttpRequest, error: DomainError) -> HttpResponse:
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
        membership, image = image_access(user=request.user, image_id=image_id, action=Action.IMAGE_VIEW)
        if membership.project_id != project_id:
            raise NotFound("Image not found in this project.")
    except DomainError as error:
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
        membership = membership_require(
            user=request.user, project_id=project_id, action=Action.ADAPTATION_VIEW
        )
    except DomainError as error:
        return _not_found(request, error)
    context = {"project": membership.project, "engine": engine_in_use(membership.project.engine)}
    return render(request, "adaptation.html", context)
