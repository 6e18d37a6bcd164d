"""The worker side of online adaptation (seed 004): each class's adapted decoder in this
process, each open session's click-adapted copy, and the step after an accepted object.

Imported only where SAM runs (it needs torch). A class decoder is loaded from PostgreSQL when
a session of that class needs it and kept per class by version, so a new version (another
worker's accept, a rollback) is picked up on the next click.

Click adaptation (CA) runs after a click's mask has been sent, on a thread of its own: one
step on the session's own copy of the class decoder, which answers the session's next click.
A worker that takes over a session it has not seen rebuilds that copy by replaying the
session's clicks. When the object
is accepted the copy is dropped; with **continual** CA the clicks are replayed on the class
decoder itself, under its row lock, before the accept-time step (RM and CM), so concurrent
accepts still apply one after the other and nothing learnt is lost.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import replace
from typing import cast

import torch

from annotator.adaptation import services
from annotator.adaptation.models import ClassDecoder as DecoderRow
from annotator.adaptation.selectors import project_adaptation
from annotator.common.errors import InvalidInput
from annotator.interactions.models import InteractionSession
from annotator.interactions.selectors import session_history
from annotator.projects.engines import capabilities
from annotator.serving import engines
from annotator.serving.decoders import (
    LoadedDecoder,
    SessionCopy,
    class_decoders,
    learning_thread,
    session_copies,
)
from annotator.serving.prepared import prepared_for
from inference.adaptation.adapter import AdaptationConfig, ClassDecoder, SessionAdapter
from inference.engines.base import PreparedImage
from inference.engines.sam.engine import SamEngine
from inference.masks import rle
from inference.pipelines import PLAIN
from inference.prompts import Prompts

logger = logging.getLogger(__name__)


def learning_engine(engine_name: str) -> SamEngine | None:
    """The process's base engine of ``engine_name`` when its catalogue entry learns online
    (None: it does not)."""
    if not capabilities(engine_name).learns_online:
        return None
    return cast(SamEngine, engines.base_engine(engine_name))  # the engines that learn are SAM's


def project_config(project_id: int) -> AdaptationConfig | None:
    """The project's adaptation variant (None: switched off for the project)."""
    chosen = project_adaptation(project_id=project_id)
    if not chosen["enabled"]:
        return None
    return AdaptationConfig(
        click=chosen["click"],
        result=chosen["result"],
        click_mask=chosen["click_mask"],
        lr=chosen["lr"],
        erosions=chosen["erosions"],
    )


def decode(base: SamEngine, state: bytes | None, lr: float) -> ClassDecoder:
    """A class decoder from its stored state (None: a fresh copy of the base decoder)."""
    decoder = ClassDecoder.from_engine(base, lr)
    if state is not None:
        decoder.load_state(torch.load(io.BytesIO(state), weights_only=True, map_location=base.device))
        for group in decoder.optimizer.param_groups:
            group["lr"] = lr
    return decoder


def _encode(decoder: ClassDecoder, with_optimizer: bool = True) -> bytes:
    stored = io.BytesIO()
    torch.save(decoder.state(with_optimizer), stored)
    return stored.getvalue()


def _class_decoder(base: SamEngine, label_class_id: int, lr: float) -> LoadedDecoder | None:
    """The class's current decoder (None: switched off for the class)."""
    head = DecoderRow.objects.filter(label_class_id=label_class_id).values("version", "enabled").first()
    if head is not None and not head["enabled"]:
        return None
    version = head["version"] if head else 0
    cached = class_decoders.peek(label_class_id)
    if cached is None or cached.version != version:
        row = DecoderRow.objects.filter(label_class_id=label_class_id).values("version", "state").first()
        state = bytes(row["state"]) if row and row["state"] is not None else None
        if state is None:  # never adapted, or reset: the base decoder itself
            decoder = ClassDecoder(base.model.mask_decoder, lr)
            cached = LoadedDecoder(row["version"] if row else 0, decoder, base)
        else:
            decoder = decode(base, state, lr)
            cached = LoadedDecoder(row["version"] if row else 0, decoder, base.with_decoder(decoder.decoder))
        class_decoders.put(label_class_id, cached)
    return cached


def class_engine(base: SamEngine, label_class_id: int) -> SamEngine:
    """``base`` answering with the class's current decoder (``base`` itself while the class
    has no adapted version or adaptation is off for it)."""
    loaded = _class_decoder(base, label_class_id, 1e-6)
    return base if loaded is None else loaded.engine


@contextmanager
def session_engine(
    base: SamEngine, session: InteractionSession, prepared: PreparedImage, prompts: Prompts
) -> Iterator[SamEngine]:
    """The engine that answers the session's click (``prompts`` on ``prepared``): its
    click-adapted copy when the project adapts after clicks, else the class decoder (else
    ``base``)."""
    config = project_config(session.project_id)
    loaded = _class_decoder(base, session.label_class_id, config.lr) if config else None
    if config is None or loaded is None:
        yield base
        return
    if config.click == "off":
        yield loaded.engine
        return
    entry = _session_copy(base, session, config, loaded)
    with entry.lock:
        yield entry.adapter.engine
        entry.answered = (prepared, prompts)


def _session_copy(
    base: SamEngine, session: InteractionSession, config: AdaptationConfig, loaded: LoadedDecoder
) -> SessionCopy:
    entry = session_copies.peek(session.id)
    if entry is not None:
        return entry
    # The copy always starts from the class decoder; continual CA reaches the class decoder at accept.
    adapter = SessionAdapter(base, loaded.decoder, replace(config, click="reset"))
    entry = SessionCopy(loaded.version, adapter)
    clicks = session_history(session=session).click_prompts()
    if clicks:  # a session this worker has not seen: learn its clicks again, in order
        prepared = prepared_for(session.engine, session.image, session.pipeline)
        for prompts in clicks:
            adapter.after_click(prepared, prompts)
    session_copies.put(session.id, entry)
    return entry


def adapt_after_click(session_id: int, clicks: int) -> Future[None] | None:
    """CA after ``clicks`` clicks were answered: that many steps on the session's copy with
    the clicks so far (None when the copy is not in this process or CA is off).

    The steps run on this process's adaptation thread, so the caller (the task that sent the
    masks, or in embedded mode the web process itself) is free at once; the copy stays locked
    from now until they are done, so the session's next click waits for them, never the
    reverse.
    """
    entry = session_copies.peek(session_id)
    if entry is None or entry.answered is None or clicks < 1:
        return None
    prepared, prompts = entry.answered
    entry.answered = None
    entry.lock.acquire()

    def learn() -> None:
        try:
            for _ in range(clicks):
                entry.adapter.after_click(prepared, prompts)
        except Exception:
            logger.exception("click adaptation failed for session %s", session_id)
        finally:
            entry.lock.release()

    try:
        return learning_thread.submit(learn)
    except RuntimeError:  # the process is shutting down
        entry.lock.release()
        return None


def forget_session(session_id: int) -> None:
    """Drop a finished session's copy (reset: the next object starts from the class decoder)."""
    session_copies.pop(session_id)


def adapt_after_accept(session_id: int) -> int | None:
    """One adaptation step of the class decoder from an accepted SAM session; returns the new
    version (None when the session is not SAM's, adaptation is off, or nothing was learnt)."""
    forget_session(session_id)
    session = (
        InteractionSession.objects.select_related("image", "label_class", "user")
        .filter(id=session_id)
        .first()
    )
    if session is None or session.pipeline != PLAIN:
        return None
    base = learning_engine(session.engine)
    config = project_config(session.project_id)
    if base is None or config is None or not config.adapts:
        return None
    history = session_history(session=session)
    if history.current_mask is None:
        return None
    prompts = history.prompts()
    clicks = history.click_prompts() if config.click == "continual" else []
    result = rle.decode(history.current_mask)
    prepared = prepared_for(session.engine, session.image, session.pipeline)
    learnt: list[ClassDecoder] = []

    def step(state: bytes | None) -> bytes:
        decoder = decode(base, state, config.lr)
        adapter = SessionAdapter(base, decoder, config)
        learnt_clicks = [adapter.after_click(prepared, clicked) for clicked in clicks]
        stepped = adapter.after_accept(prepared, prompts, result) is not None
        if not stepped and all(loss is None for loss in learnt_clicks):
            raise InvalidInput("Nothing to learn from this object.", code="nothing_to_learn")
        learnt.append(decoder)
        return _encode(decoder)

    try:
        version = services.decoder_adapt(
            label_class=session.label_class,
            step=step,
            user=session.user,
            retained=lambda head: _encode(learnt[-1], with_optimizer=False),  # weights only
        )
    except InvalidInput as skipped:
        logger.info("class decoder of class %s not adapted: %s", session.label_class_id, skipped.detail)
        return None
    engine = base.with_decoder(learnt[-1].decoder)
    class_decoders.put(session.label_class_id, LoadedDecoder(version.version, learnt[-1], engine))
    return version.version
