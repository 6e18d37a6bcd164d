"""What a manager narrows the figures to: a date range (of the objects' end, UTC, both days
included), classes, annotators and an engine; who may see whose figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet

from annotator.analytics.models import ObjectRecord
from annotator.common.errors import Forbidden, InvalidInput
from annotator.projects.models import Membership
from annotator.projects.permissions import Action, allowed


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    class_ids: tuple[int, ...] = ()
    user_ids: tuple[int, ...] = ()
    engine: str = ""

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> Filters:
        def day(name: str) -> date | None:
            value = params.get(name) or ""
            if not value:
                return None
            try:
                return date.fromisoformat(str(value))
            except ValueError:
                raise InvalidInput(f"'{name}' is a date, YYYY-MM-DD.", code="invalid_filter") from None

        def ids(name: str) -> tuple[int, ...]:
            raw = params.getlist(name) if hasattr(params, "getlist") else params.get(name) or []
            values = [part for item in raw for part in str(item).split(",") if part.strip()]
            try:
                return tuple(int(v) for v in values)
            except ValueError:
                raise InvalidInput(f"'{name}' takes ids.", code="invalid_filter") from None

        filters = cls(day("from"), day("to"), ids("class"), ids("annotator"), str(params.get("engine") or ""))
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            raise InvalidInput("'from' is after 'to'.", code="invalid_filter")
        return filters

    def start(self) -> datetime | None:
        return None if self.date_from is None else datetime.combine(self.date_from, time.min, UTC)

    def end(self) -> datetime | None:
        """The first moment after the range."""
        if self.date_to is None:
            return None
        return datetime.combine(self.date_to + timedelta(days=1), time.min, UTC)

    def rows(self, project_id: int) -> QuerySet[ObjectRecord]:
        rows = ObjectRecord.objects.filter(project_id=project_id)
        if self.date_from is not None:
            rows = rows.filter(ended_at__gte=self.start())
        if self.date_to is not None:
            rows = rows.filter(ended_at__lt=self.end())
        if self.class_ids:
            rows = rows.filter(label_class_id__in=self.class_ids)
        if self.user_ids:
            rows = rows.filter(user_id__in=self.user_ids)
        if self.engine:
            rows = rows.filter(engine=self.engine)
        return rows


def visible(filters: Filters, membership: Membership, user: User) -> Filters:
    """The filters as this member may use them: a member who may see only their own figures
    gets those (asking for someone else's is refused)."""
    if allowed(membership.role, Action.ANALYTICS_VIEW, own=False):
        return filters
    if any(user_id != user.pk for user_id in filters.user_ids):
        raise Forbidden("You see your own figures only.", code="forbidden")
    return replace(filters, user_ids=(int(user.pk),))
