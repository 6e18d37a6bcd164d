"""Login lockouts (django-axes keeps the failed attempts): which username and address pairs
are locked out now, and lifting one. Site staff see and lift them on the Users page."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from annotator.common.errors import NotFound


def _locked() -> QuerySet[AccessAttempt]:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")


def lockout_list() -> QuerySet[AccessAttempt]:
    """The pairs locked out now, the latest attempt first; each ends its cool-off
    (``AXES_COOLOFF_TIME``) after its last attempt."""
    return _locked()


def lockout_lift(*, lockout_id: int) -> None:
    """Forget the failed attempts of a locked-out pair: its next login is judged afresh."""
    deleted, _ = _locked().filter(id=lockout_id).delete()
    if not deleted:
        raise NotFound("No such lockout: it may have ended already.", code="not_found")
