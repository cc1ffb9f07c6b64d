"""Django's Redis cache, with one Redis client per server kept for the life of the process.

Django's own `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache
operation, and redis-py 8 fills a table of about 170 response callbacks each time it builds
one: a third of a millisecond per operation, on pages that make five or six of them. The
client is only a front for the connection pool, which is shared and safe across threads and
forks (it starts afresh in a forked process), so one per pool serves every operation."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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
