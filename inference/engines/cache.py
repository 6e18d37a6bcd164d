"""A least-recently-used cache of prepared images, bounded by the bytes they hold."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from inference.engines.base import PreparedImage


class PreparedImageCache:
    """Keeps prepared images until their total ``nbytes`` would exceed ``max_bytes``.

    Thread-safe; ``get_or_prepare`` runs ``prepare`` outside the lock, so two threads may
    prepare the same image at once and the second result wins (harmless: both are equal).
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, PreparedImage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.misses = 0

    def get_or_prepare(self, key: Hashable, prepare: Callable[[], PreparedImage]) -> PreparedImage:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
            self.misses += 1
        prepared = prepare()
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old.nbytes
            self._items[key] = prepared
            self._bytes += prepared.nbytes
            while self._bytes > self.max_bytes and len(self._items) > 1:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= evicted.nbytes
        return prepared

    def __len__(self) -> int:
        return len(self._items)

    @property
    def nbytes(self) -> int:
        return self._bytes
