"""Django's Redis cache, with one Redis client per server kept for the life of the process.

Django's own `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache
operation, and redis-py 8 fills a table of about 170 response callbacks each time it builds
one: a third of a millisecond per operation, on pages that make five or six of them. The
client is only a front for the connection pool, which is shared and safe across threads and
forks (it starts afresh in a forked process), so one per pool serves every operation.

Also here: `computing` and `cached_once`, so that a value missing from the cache is computed by
one request while the others asking for it wait; and `taking_turns`, so that heavy work of
the same kind runs one request at a time."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

T = TypeVar("T")


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient


# --- one computation at a time ---------------------------------------------------------------

# How long a request waits for another one's computation of the same value before it computes
# the value itself, how often it looks, and how long a mark of "being computed" can outlive a
# request that died while computing.
WAIT_SECONDS = 2.0
POLL_SECONDS = 0.005
COMPUTING_SECONDS = 30


@contextmanager
def computing(key: str) -> Iterator[bool]:
    """The right to compute the value kept at `key`, one request at a time.

    Yields True to the request that gets it. Any other request asking meanwhile waits until
    that computation ends (at most WAIT_SECONDS) and gets False: it looks in the cache again
    and computes only what is still missing. When a popular page's value goes missing (every
    change to the registry starts afresh), the requests arriving together no longer all
    compute it at once, each slowing the others down."""
    mark = f"{key}:computing"
    if cache.add(mark, 1, COMPUTING_SECONDS):
        try:
            yield True
        finally:
            cache.delete(mark)
        return
    deadline = time.monotonic() + WAIT_SECONDS
    while cache.get(mark) is not None and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    yield False


@contextmanager
def taking_turns(key: str, wait: float = WAIT_SECONDS) -> Iterator[bool]:
    """Run the block while no other request runs a block under `key`: wait for the turn, at
    most `wait` seconds, then go ahead anyway. Yields whether the turn was taken.

    For work that only slows itself down by running side by side: on two cores, two large
    sorts at once each take twice as long, and the requests behind them wait as long."""
    mark = f"{key}:turn"
    deadline = time.monotonic() + wait
    taken = cache.add(mark, 1, COMPUTING_SECONDS)
    while not taken and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        taken = cache.add(mark, 1, COMPUTING_SECONDS)
    try:
        yield taken
    finally:
        if taken:
            cache.delete(mark)


def cached_once(key: str, compute: Callable[[], T], timeout: int) -> T:
    """The value kept at `key`, else `compute()`'s, kept `timeout` seconds; computed by one
    request at a time (`computing`). The value must not be None."""
    value = cache.get(key)
    if value is None:
        with computing(key) as mine:
            if not mine:
                value = cache.get(key)
            if value is None:
                value = compute()
                cache.set(key, value, timeout)
    return value
