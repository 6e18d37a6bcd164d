"""The prepared-image cache keeps the recently used images within its byte budget."""

from __future__ import annotations

from dataclasses import dataclass

from inference.engines.cache import prepared_image_cache


@dataclass(frozen=True)
class Fake:
    width: int = 1
    height: int = 1
    nbytes: int = 100


def test_second_request_for_an_image_does_not_prepare_it_again() -> None:
    cache = prepared_image_cache(max_bytes=1000)
    calls: list[str] = []

    def prepare() -> Fake:
        calls.append("a")
        return Fake()

    first = cache.get_or_create("a", prepare)
    second = cache.get_or_create("a", prepare)
    assert first is second
    assert calls == ["a"]


def test_least_recently_used_image_is_evicted_past_the_budget() -> None:
    cache = prepared_image_cache(max_bytes=250)
    cache.get_or_create("a", Fake)
    cache.get_or_create("b", Fake)
    cache.get_or_create("a", Fake)  # "a" is now the most recent
    cache.get_or_create("c", Fake)
    assert cache.nbytes <= 250
    misses = cache.misses
    cache.get_or_create("a", Fake)
    assert cache.misses == misses  # "a" survived
    cache.get_or_create("b", Fake)
    assert cache.misses == misses + 1  # "b" had been evicted
