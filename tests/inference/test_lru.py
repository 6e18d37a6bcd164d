"""The one LRU type: bounded by entries and by bytes, counting entries that change size."""

from __future__ import annotations

import threading

import pytest

from inference.lru import LRU


def test_the_least_recently_used_entry_goes_first_past_the_entry_bound() -> None:
    cache: LRU[str, int] = LRU(max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert "b" not in cache
    assert cache.values() == [1, 3]


def test_the_byte_budget_evicts_until_the_entries_fit() -> None:
    cache: LRU[str, bytes] = LRU(max_bytes=10, size=len)
    cache.put("a", b"1234")
    cache.put("b", b"5678")
    cache.put("c", b"90ab")
    assert cache.values() == [b"5678", b"90ab"]
    assert cache.nbytes == 8


def test_an_entry_larger_than_the_budget_is_kept_alone() -> None:
    cache: LRU[str, bytes] = LRU(max_bytes=4, size=len)
    cache.put("a", b"12")
    cache.put("big", b"123456")
    assert cache.values() == [b"123456"]
    assert cache.nbytes == 6


def test_an_entry_that_grew_in_place_is_counted_at_its_new_size() -> None:
    cache: LRU[str, list[int]] = LRU(max_bytes=10, size=len)
    grows = [1, 2]
    cache.put("a", grows)
    cache.put("b", [1, 2])
    grows.extend([3, 4, 5, 6, 7])
    cache.resize("a")  # 7 + 2 fit in 10: both stay
    assert cache.nbytes == 9
    grows.extend([8, 9])
    cache.resize("a")  # 9 + 2 do not: the least recent, "a" itself, goes
    assert cache.values() == [[1, 2]]
    assert cache.nbytes == 2


def test_growth_is_counted_when_the_entry_is_read_or_another_is_added() -> None:
    cache: LRU[str, list[int]] = LRU(max_bytes=6, size=len)
    first = [1]
    cache.put("a", first)
    first.extend([2, 3, 4])
    cache.put("b", [1, 2, 3])  # "a" measured again: 4 + 3 > 6, so "a" goes
    assert cache.values() == [[1, 2, 3]]
    assert cache.nbytes == 3
    second = cache.get("b")
    assert second is not None
    second.extend([4, 5])
    assert cache.get("b") == [1, 2, 3, 4, 5]
    assert cache.nbytes == 5


def test_pop_and_clear_keep_the_count_exact() -> None:
    cache: LRU[str, bytes] = LRU(max_bytes=100, size=len)
    cache.put("a", b"123")
    cache.put("b", b"45")
    assert cache.pop("a") == b"123"
    assert cache.pop("a") is None
    assert cache.nbytes == 2
    cache.clear()
    assert len(cache) == 0 and cache.nbytes == 0


def test_a_byte_budget_needs_a_size_function() -> None:
    with pytest.raises(ValueError):
        LRU(max_bytes=10)


def test_threads_putting_and_reading_at_once_leave_the_bounds_and_the_count_exact() -> None:
    cache: LRU[int, bytes] = LRU(max_entries=50, max_bytes=2000, size=len)
    start = threading.Barrier(8)

    def work(offset: int) -> None:
        start.wait()
        for i in range(2000):
            key = (offset * 7919 + i) % 120
            if cache.get(key) is None:
                cache.put(key, bytes(key % 60 + 1))
            if i % 50 == 0:
                cache.pop((key + 1) % 120)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) <= 50
    assert 0 <= cache.nbytes <= 2000
    assert cache.nbytes == sum(len(v) for v in cache.values())
