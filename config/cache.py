"""A Redis cache whose outage costs speed, not pages.

Production keeps dashboard figures and sessions (cached_db) in Redis. Django's RedisCache
raises when Redis is down or hung, which would turn every page into a 500 even though the
database holds everything needed. Here a Redis error is logged and read as a miss: a
dashboard is computed afresh, a session is read from the database (cached_db writes every
session there too), a write to the cache is dropped. Short socket timeouts (production
settings) bound the wait on a hung server.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("dudao.cache")


def _tolerant(name: str, fallback):
    method = getattr(RedisCacheClient, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as exc:
            logger.warning("Cache unavailable, %s ignored: %s", name, exc)
            return fallback(*args, **kwargs)

    call.__name__ = name
    return call


class TolerantRedisCacheClient(RedisCacheClient):
    add = _tolerant("add", lambda *a, **k: False)
    get = _tolerant("get", lambda key, default: default)
    set = _tolerant("set", lambda *a, **k: None)
    touch = _tolerant("touch", lambda *a, **k: False)
    delete = _tolerant("delete", lambda *a, **k: False)
    get_many = _tolerant("get_many", lambda *a, **k: {})
    has_key = _tolerant("has_key", lambda *a, **k: False)
    set_many = _tolerant("set_many", lambda *a, **k: [])
    delete_many = _tolerant("delete_many", lambda *a, **k: None)
    clear = _tolerant("clear", lambda *a, **k: False)


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient
