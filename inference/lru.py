"""A thread-safe least-recently-used map, bounded by entry count and by the bytes its entries hold.

Every cache of the library and of the worker is one of these, so each bound is kept the same way.
An entry's size comes from ``size`` (for example ``lambda prepared: prepared.nbytes``) and is
measured again whenever the entry is read or written, and for every entry when another is added:
an entry that grew in place (a prepared image that gained prepared crops) is counted at its new
size before anything is evicted. ``resize(key)`` measures one entry again at once.

The counted total is always the sum of the sizes last measured for the entries held, so it never
drifts and never goes negative. The byte bound holds after each call, except that the single most
recent entry is kept even when it alone is larger than the budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """``max_entries`` and ``max_bytes`` (None: no bound of that kind); ``size`` gives an entry's
    bytes (None: entries are counted, not measured, and ``max_bytes`` must be None)."""

    def __init__(
        self,
        *,
        max_entries: int | None = None,
        max_bytes: int | None = None,
        size: Callable[[V], int] | None = None,
    ) -> None:
        if max_bytes is not None and size is None:
            raise ValueError("a byte budget needs a size function")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.misses = 0

    def _measure(self, value: V) -> int:
        return 0 if self._size is None else int(self._size(value))

    def _count(self, key: K, value: V) -> None:
        """Hold ``value`` under ``key`` at its size now, as the most recent (lock held)."""
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        measured = self._measure(value)
        self._items[key] = (value, measured)
        self._bytes += measured

    def _remeasure_all(self) -> None:
        if self._size is None:
            return
        for key, (value, counted) in self._items.items():
            measured = self._measure(value)
            self._items[key] = (value, measured)
            self._bytes += measured - counted

    def _evict(self) -> None:
        while self.max_entries is not None and len(self._items) > self.max_entries:
            self._bytes -= self._items.popitem(last=False)[1][1]
        while self.max_bytes is not None and self._bytes > self.max_bytes and len(self._items) > 1:
            self._bytes -= self._items.popitem(last=False)[1][1]

    def get(self, key: K) -> V | None:
        """The entry (now the most recent), or None; a miss is counted in ``misses``."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._count(key, found[0])
            self._evict()
            return found[0]

    def peek(self, key: K) -> V | None:
        """The entry without making it the most recent or counting a miss."""
        with self._lock:
            found = self._items.get(key)
            return None if found is None else found[0]

    def put(self, key: K, value: V) -> None:
        """Hold ``value`` as the most recent entry, then evict the least recent past the bounds."""
        with self._lock:
            self._remeasure_all()
            self._count(key, value)
            self._evict()

    def get_or_create(self, key: K, create: Callable[[], V]) -> V:
        """The entry, else ``create()`` held under ``key``. ``create`` runs outside the lock, so
        two threads may create the same entry at once and the second one is kept."""
        found = self.get(key)
        if found is not None:
            return found
        created = create()
        self.put(key, created)
        return created

    def resize(self, key: K) -> None:
        """Measure the entry again (it changed in place), then evict past the byte budget."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return
            measured = self._measure(found[0])
            self._items[key] = (found[0], measured)
            self._bytes += measured - found[1]
            self._evict()

    def pop(self, key: K) -> V | None:
        with self._lock:
            found = self._items.pop(key, None)
            if found is None:
                return None
            self._bytes -= found[1]
            return found[0]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def values(self) -> list[V]:
        """The entries, least recent first (a copy)."""
        with self._lock:
            return [value for value, _ in self._items.values()]

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    @property
    def nbytes(self) -> int:
        """The bytes counted for the entries held (each as last measured)."""
        return self._bytes
