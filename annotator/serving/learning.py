"""Online learning as the worker's step answering sees it: a learner registered from above.

``serving`` sits below the apps that know how class decoders are stored and adapted; the
adaptation app registers its ``Learner`` when it is ready (``AdaptationConfig.ready``), and
the step answering here asks it for the engine that answers a session's click, and has it
learn after a click and after an accept. Without a registered learner every session answers
with the base engine and nothing learns.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from annotator.images.models import ImageAsset
from inference.engines import Engine, PreparedImage
from inference.prompts import Prompts


class ServedSession(Protocol):
    """The fields of an interaction session that serving reads."""

    @property
    def id(self) -> int: ...

    @property
    def project_id(self) -> int: ...

    @property
    def label_class_id(self) -> int: ...

    @property
    def engine(self) -> str: ...

    @property
    def pipeline(self) -> str: ...

    @property
    def image(self) -> ImageAsset: ...


class Learner(Protocol):
    def session_engine(
        self, base: Engine, session: ServedSession, prepared: PreparedImage, prompts: Prompts
    ) -> AbstractContextManager[Engine]:
        """The engine that answers the session's click (``prompts`` on ``prepared``), held while
        it answers."""
        ...

    def after_click(self, session_id: int, clicks: int) -> Future[None] | None:
        """Learn from the session's last ``clicks`` answered clicks, off the caller's thread."""
        ...

    def after_accept(self, session_id: int, queue: str | None) -> None:
        """Have the worker of ``queue`` learn from the session's accepted object."""
        ...


_learners: list[Learner] = []


def register(learner: Learner) -> None:
    """Make ``learner`` the one this process asks (the last registered wins)."""
    _learners[:] = [learner]


@contextmanager
def session_engine(
    base: Engine, session: ServedSession, prepared: PreparedImage, prompts: Prompts
) -> Iterator[Engine]:
    if not _learners:
        yield base
        return
    with _learners[0].session_engine(base, session, prepared, prompts) as engine:
        yield engine


def learn_after_click(session_id: int, clicks: int) -> Future[None] | None:
    """Click adaptation after ``clicks`` clicks were answered, in the worker that answered them
    (its session copy lives here); None when nothing learns."""
    return _learners[0].after_click(session_id, clicks) if _learners else None


def learn_after_accept(session_id: int, queue: str | None) -> None:
    """Have the worker of ``queue`` (the session's) learn from the session's accepted object."""
    if _learners:
        _learners[0].after_accept(session_id, queue)
