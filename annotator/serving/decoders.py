"""The decoders this worker answers and learns with (seed 004): each class's adapted decoder,
by version, and each open session's click-adapted copy; both bounded (least recently used out).

The learner (``annotator.adaptation.runtime``) fills and reads them; ``learning`` runs click
adaptation on this process's one adaptation thread, off the thread that answers clicks.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from inference.lru import LRU

if TYPE_CHECKING:  # torch, only where SAM runs
    from inference.adaptation.adapter import ClassDecoder, SessionAdapter
    from inference.engines.base import PreparedImage
    from inference.engines.sam.engine import SamEngine
    from inference.prompts import Prompts

# A vit_b decoder with its Adam state is about 48 MB.
MAX_CLASSES = 16
MAX_SESSIONS = 32


@dataclass
class LoadedDecoder:
    """A class decoder at one version, and the engine answering with it."""

    version: int
    decoder: ClassDecoder
    engine: SamEngine


@dataclass
class SessionCopy:
    """An open session's click-adapted copy (held while a click is answered or learnt from)."""

    class_version: int
    adapter: SessionAdapter
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The image and prompts of the click it answered last, for the step after it.
    answered: tuple[PreparedImage, Prompts] | None = None


# label class id -> its decoder; session id -> its copy.
class_decoders: LRU[int, LoadedDecoder] = LRU(max_entries=MAX_CLASSES)
session_copies: LRU[int, SessionCopy] = LRU(max_entries=MAX_SESSIONS)
# Click adaptation runs here, one step after another, off the thread that answers clicks.
learning_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="click-adaptation")
