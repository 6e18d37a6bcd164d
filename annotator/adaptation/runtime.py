"""The worker side of online adaptation: each class's adapted decoder in this process, and
the adaptation step after an accepted object (seed 004's RM and CM).

Imported only where SAM runs (it needs torch). The class decoder is loaded from PostgreSQL when
a session of that class needs it and kept per class by version, so a new version (another
worker's accept, a rollback) is picked up on the next click.
"""

from __future__ import annotations

import io
import logging
import threading
from collections import OrderedDict

import torch
from django.conf import settings

from annotator.adaptation import services
from annotator.adaptation.models import ClassDecoder as DecoderRow
from annotator.common.errors import InvalidInput
from annotator.interactions import engine_runtime
from annotator.interactions.models import InteractionSession
from annotator.interactions.selectors import session_history
from inference.adaptation.adapter import AdaptationConfig, ClassDecoder, SessionAdapter
from inference.engines.sam.engine import SamEngine
from inference.masks import rle

logger = logging.getLogger(__name__)

_lock = threading.Lock()
# label class id -> (version, decoder) in this process, the most recently used last.
_loaded: OrderedDict[int, tuple[int, ClassDecoder]] = OrderedDict()
# A vit_b decoder with its Adam state is about 48 MB.
MAX_LOADED = 16


def _remember(label_class_id: int, entry: tuple[int, ClassDecoder]) -> None:
    with _lock:
        _loaded[label_class_id] = entry
        _loaded.move_to_end(label_class_id)
        while len(_loaded) > MAX_LOADED:
            _loaded.popitem(last=False)


def config() -> AdaptationConfig:
    """The variant the workers run (settings ``MASKLOOP_ADAPTATION_*``)."""
    return AdaptationConfig(
        click="off",
        result=settings.MASKLOOP_ADAPTATION_RESULT,
        click_mask=settings.MASKLOOP_ADAPTATION_CLICK_MASK,
        lr=settings.MASKLOOP_ADAPTATION_LR,
        erosions=settings.MASKLOOP_ADAPTATION_EROSIONS,
    )


def _decode(base: SamEngine, state: bytes) -> ClassDecoder:
    decoder = ClassDecoder.from_engine(base, config().lr)
    decoder.load_state(torch.load(io.BytesIO(state), weights_only=True, map_location=base.device))
    return decoder


def _encode(decoder: ClassDecoder) -> bytes:
    stored = io.BytesIO()
    torch.save(decoder.state(), stored)
    return stored.getvalue()


def class_engine(base: SamEngine, label_class_id: int) -> SamEngine:
    """``base`` answering with the class's current decoder (``base`` itself while the class
    has no adapted version or adaptation is off for it)."""
    head = DecoderRow.objects.filter(label_class_id=label_class_id).values("version", "enabled").first()
    if head is None or not head["enabled"]:
        return base
    with _lock:
        cached = _loaded.get(label_class_id)
    if cached is None or cached[0] != head["version"]:
        row = DecoderRow.objects.filter(label_class_id=label_class_id).values("version", "state").first()
        if row is None or row["state"] is None:  # the base decoder (never adapted, or reset)
            return base
        cached = (row["version"], _decode(base, bytes(row["state"])))
        _remember(label_class_id, cached)
    return base.with_decoder(cached[1].decoder)


def adapt_after_accept(session_id: int) -> int | None:
    """One adaptation step of the class decoder from an accepted SAM session; returns the new
    version (None when the session is not SAM's, adaptation is off, or nothing was learnt)."""
    session = (
        InteractionSession.objects.select_related("image", "label_class", "user")
        .filter(id=session_id)
        .first()
    )
    if session is None or session.pipeline != "plain":
        return None
    base = engine_runtime.base_engine(session.engine)
    if not isinstance(base, SamEngine):
        return None
    history = session_history(session=session)
    if history.current_mask is None:
        return None
    prompts = history.prompts()
    result = rle.decode(history.current_mask)
    prepared = engine_runtime.prepared_for(session.engine, session.image, session.pipeline)
    learnt: list[ClassDecoder] = []

    def step(state: bytes | None) -> bytes:
        decoder = _decode(base, state) if state is not None else ClassDecoder.from_engine(base, config().lr)
        adapter = SessionAdapter(base, decoder, config())
        if adapter.after_accept(prepared, prompts, result) is None:
            raise InvalidInput("Nothing to learn from this object.", code="nothing_to_learn")
        learnt.append(decoder)
        return _encode(decoder)

    try:
        version = services.decoder_adapt(label_class=session.label_class, step=step, user=session.user)
    except InvalidInput as skipped:
        logger.info("class decoder of class %s not adapted: %s", session.label_class_id, skipped.detail)
        return None
    _remember(session.label_class_id, (version.version, learnt[-1]))
    return version.version
