"""One rate limiter for actions that need a ceiling (uploads, password checks, ...).

A fixed window per key in the shared cache (Redis when REDIS_URL is set, the
database cache otherwise, so every web process on every machine counts
together): ``limit`` hits per ``window`` seconds. Rules that
count something the database keeps anyway (messages sent, bookings made) count
those rows instead, under a lock, in their service; this is for the rest.

    UPLOADS = RateLimit("avatar-upload", limit=10, window=3600)
    if UPLOADS.exhausted(user.pk): ...
    UPLOADS.hit(user.pk)
"""

from dataclasses import dataclass

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

# On Redis one script counts the hit and, for the first hit of a window, sets
# its expiry: atomic on the server. (Django's RedisCache.incr checks that the
# key exists and then increments it in a second command; a window that expires
# between the two would leave a counter without expiry, a lock-out for good.)
_REDIS_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('TTL', KEYS[1]) < 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    window: int  # seconds

    def _key(self, who) -> str:
        return f"ratelimit:{self.name}:{who}"

    def count(self, who) -> int:
        """How many hits ``who`` has in the current window."""
        return int(cache.get(self._key(who), 0))

    def exhausted(self, who) -> bool:
        """Whether ``who`` has used up the limit for the current window."""
        return self.count(who) >= self.limit

    def hit(self, who) -> int:
        """Count one hit for ``who``; return the count in the current window.

        On Redis one server-side script counts and starts the window. In the
        database cache ``add`` starts a window (atomic: only one process creates
        the key) and ``incr`` is atomic, so concurrent hits all count.
        """
        key = self._key(who)
        backend = caches["default"]  # ``cache`` is a proxy: isinstance needs the backend
        if isinstance(backend, RedisCache):
            return self._hit_redis(backend, key)
        if cache.add(key, 1, self.window):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # the window expired between add and incr
            cache.add(key, 1, self.window)
            return 1

    def _hit_redis(self, backend: RedisCache, key: str) -> int:
        name = backend.make_and_validate_key(key)
        # Django's RedisCache has no public way to run a command of its own.
        client = backend._cache.get_client(name, write=True)
        return int(client.eval(_REDIS_HIT, 1, name, self.window))

    def reset(self, who) -> None:
        cache.delete(self._key(who))
