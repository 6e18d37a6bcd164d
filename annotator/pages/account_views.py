"""Pages about people: joining through an invitation, one's own account, the site's accounts."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie

from annotator.common.errors import DomainError
from annotator.projects import member_services
from annotator.projects.models import Invitation
from annotator.projects.permissions import SiteAction, site_allowed
from annotator.projects.selectors import invitation_find, invitation_state


class SignUpForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))
    email = forms.EmailField(required=False)
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


def _render(
    request: HttpRequest, invitation: Invitation, form: SignUpForm, status: int = 200, error: str = ""
) -> HttpResponse:
    context = {"invitation": invitation, "state": invitation_state(invitation), "form": form, "error": error}
    return render(request, "invitation.html", context, status=status)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's page: a new account joins with a username and a password; someone
    logged in joins with their account."""
    try:
        found = invitation_find(token=token)
    except DomainError as error:
        return render(request, "not_found.html", {"detail": error.detail}, status=404)
    form = SignUpForm(initial={"email": found.email})
    if invitation_state(found) != "pending":
        return _render(request, found, form, status=410)
    if request.method != "POST":
        return _render(request, found, form)
    try:
        if request.user.is_authenticated:
            member_services.invitation_accept(token=token, user=request.user)
        else:
            form = SignUpForm(request.POST)
            if not form.is_valid():
                return _render(request, found, form, status=400)
            membership = member_services.invitation_sign_up(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                email=form.cleaned_data["email"],
            )
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
    except DomainError as error:
        found.refresh_from_db()
        return _render(request, found, form, status=409 if error.status == 409 else 400, error=error.detail)
    return HttpResponseRedirect(reverse("project", args=[found.project_id]))


@login_required
@ensure_csrf_cookie
def account(request: HttpRequest) -> HttpResponse:
    """The user's own account: the API token for scripts, the password."""
    return render(request, "account.html")


@login_required
@ensure_csrf_cookie
def users(request: HttpRequest) -> HttpResponse:
    """The site's accounts, for its staff: list them, create one, lift login lockouts."""
    if not site_allowed(
        request.user, SiteAction.USER_MANAGE, project_creators=settings.MASKLOOP_PROJECT_CREATORS
    ):
        return render(
            request, "not_found.html", {"detail": "Only the site's staff manage accounts."}, status=404
        )
    limits = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
    }
    return render(request, "users.html", limits)
