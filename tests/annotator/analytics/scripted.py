"""Session logs written with chosen times, as the event log holds them, for the analytics tests
(the figures they must give are worked out by hand in the tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.contrib.auth.models import User

from annotator.annotations.models import Annotation
from annotator.annotations.services import annotation_create
from annotator.images.models import ImageAsset
from annotator.interactions.models import InteractionEvent, InteractionSession, SessionState
from annotator.projects.models import LabelClass
from inference.masks import rle


@dataclass(frozen=True)
class Step:
    """An event ``at`` seconds into the session, answered ``rtt`` seconds later (None: not
    applied), the engine taking ``engine_ms``."""

    kind: str
    at: float
    rtt: float | None = 0.1
    engine_ms: float | None = None
    status: str = "applied"


def scripted_session(
    *,
    image: ImageAsset,
    label_class: LabelClass,
    user: User,
    start: datetime,
    steps: list[Step],
    state: str,
    worker: str = "worker-a",
) -> tuple[InteractionSession, Annotation | None]:
    """The session with its events at the given times; an accepted one saves an 8x8 object."""
    session = InteractionSession.objects.create(
        project_id=image.project_id, image=image, label_class=label_class, user=user, state=state,
        engine="grabcut", pipeline="plain",
    )  # fmt: skip
    for index, step in enumerate(steps):
        event = InteractionEvent.objects.create(
            session=session, client_event_id=f"e{index}", kind=step.kind, status=step.status,
            engine_ms=step.engine_ms, applied_by=worker if step.rtt is not None else "",
        )  # fmt: skip
        created = start + timedelta(seconds=step.at)
        applied = None if step.rtt is None else created + timedelta(seconds=step.rtt)
        InteractionEvent.objects.filter(id=event.id).update(created_at=created, applied_at=applied)
    annotation = None
    if state == SessionState.ACCEPTED:
        mask = np.zeros((image.height, image.width), dtype=bool)
        mask[4:12, 4:12] = True
        annotation = annotation_create(
            image=image, label_class=label_class, mask=rle.encode(mask), author=user, source_session=session
        )
    return session, annotation
