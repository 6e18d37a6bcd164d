"""What a locked-out login gets (django-axes calls ``lockout_response``): under ``/api/`` the
JSON every refusal has, elsewhere the login page saying why; both 429 with ``Retry-After``."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    minutes = max(1, round(seconds / 60))
    detail = (
        f"Too many failed logins for this account from this address: try again in {minutes} "
        "minutes, or ask a site admin to lift the lockout."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"code": "locked_out", "detail": detail}, status=429)
    else:
        response = render(request, "login.html", {"locked_out": detail}, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
