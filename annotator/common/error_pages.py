"""What Django answers on its own (an unknown address, a crash, a refused request): under
``/api/`` the JSON every API error has (``code`` and ``detail``), elsewhere a page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

PAGE = (
    "<!doctype html><html lang='en'><meta charset='utf-8'><title>{title} · Maskloop</title>"
    "<h1>{title}</h1><p>{detail}</p><p><a href='/'>Back to the projects</a></p></html>"
)


def _answer(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "detail": detail}, status=status)
    return HttpResponse(PAGE.format(title=detail.split(":")[0].rstrip("."), detail=detail), status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _answer(request, 404, "not_found", "No such address in the API (see /api/schema/).")
    return render(request, "not_found.html", {"detail": "There is no page at this address."}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _answer(
        request, 500, "server_error", "Something went wrong on the server: it is logged, try again."
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 400, "bad_request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 403, "forbidden", "You may not do this.")


def csrf_failure(request: HttpRequest, reason: str = "", **kwargs: Any) -> HttpResponse:
    return _answer(
        request,
        403,
        "csrf_failed",
        "The form was stale or sent from elsewhere: reload the page and try again.",
    )
