"""What analytics listens to in the apps below it: sessions ending or left, objects changing,
verdicts. Each listener runs in the sender's transaction."""

from __future__ import annotations

from typing import Any

from annotator.analytics import services
from annotator.annotations.signals import revision_saved
from annotator.interactions.signals import session_ended, sessions_left
from annotator.review.signals import verdict_given


def _ended(sender: Any, *, session: Any, events: Any, **_: Any) -> None:
    services.record_ended(session=session, events=events)


def _left(sender: Any, *, session_ids: list[int], **_: Any) -> None:
    services.record_left(session_ids=session_ids)


def _changed(sender: Any, *, annotation: Any, **_: Any) -> None:
    services.object_changed(annotation=annotation)


def _verdict(sender: Any, *, review: Any, **_: Any) -> None:
    services.verdict_recorded(review=review)


def connect() -> None:
    session_ended.connect(_ended, dispatch_uid="analytics.ended", weak=False)
    sessions_left.connect(_left, dispatch_uid="analytics.left", weak=False)
    revision_saved.connect(_changed, dispatch_uid="analytics.changed", weak=False)
    verdict_given.connect(_verdict, dispatch_uid="analytics.verdict", weak=False)
