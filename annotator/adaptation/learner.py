"""The learner that serving asks when a session's click is answered (seed 004).

Registered with ``annotator.serving.learning`` when the app is ready; the runtime (and torch)
is imported on first use, only where an engine that learns online runs.
"""

from __future__ import annotations

from concurrent.futures import Future
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, cast

from annotator.serving.learning import ServedSession
from inference.engines import Engine, PreparedImage
from inference.prompts import Prompts

if TYPE_CHECKING:
    from annotator.interactions.models import InteractionSession
    from inference.engines.sam.engine import SamEngine


class ClassDecoderLearner:
    """Class decoders and the sessions' click-adapted copies (``runtime``)."""

    def session_engine(
        self, base: Engine, session: ServedSession, prepared: PreparedImage, prompts: Prompts
    ) -> AbstractContextManager[Engine]:
        from annotator.adaptation.runtime import session_engine

        # Serving asks only for engines that learn online (SAM's), for the interaction sessions it serves.
        return session_engine(cast("SamEngine", base), cast("InteractionSession", session), prepared, prompts)

    def after_click(self, session_id: int, clicks: int) -> Future[None] | None:
        from annotator.adaptation.runtime import adapt_after_click

        return adapt_after_click(session_id, clicks)

    def after_accept(self, session_id: int, queue: str | None) -> None:
        from annotator.adaptation.tasks import adapt_class_decoder

        adapt_class_decoder.apply_async((session_id,), queue=queue)
