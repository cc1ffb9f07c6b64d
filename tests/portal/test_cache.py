"""The portal's Redis cache (oic_portal.cache): Django's, reusing one Redis client."""

from __future__ import annotations

import pytest

from oic_portal.cache import PortalRedisCache


@pytest.fixture
def redis_cache():
    cache = PortalRedisCache("redis://127.0.0.1:6379/13", {"KEY_PREFIX": "test-cache"})
    cache.clear()
    yield cache
    cache.clear()


def test_values_go_in_and_come_back(redis_cache):
    redis_cache.set("a", {"count": 3}, 60)
    redis_cache.set_many({"b": [1, 2], "c": b"\x00\x01"}, 60)
    assert redis_cache.get("a") == {"count": 3}
    assert redis_cache.get_many(["b", "c", "missing"]) == {"b": [1, 2], "c": b"\x00\x01"}
    assert redis_cache.add("counter", 1, 60)
    assert not redis_cache.add("counter", 5, 60)
    assert redis_cache.incr("counter") == 2
    assert redis_cache.get("counter") == 2
    redis_cache.delete("a")
    assert redis_cache.get("a") is None


def test_every_operation_uses_the_same_client(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is client
    redis_cache.set("a", 1, 60)
    assert redis_cache._cache.get_client("a") is client
