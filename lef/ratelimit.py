"""One rate limiter for actions that need a ceiling (uploads, password checks, ...).

A fixed window per key in the shared cache (the database cache, so every web
process counts together): ``limit`` hits per ``window`` seconds. Rules that
count something the database keeps anyway (messages sent, bookings made) count
those rows instead, under a lock, in their service; this is for the rest.

    UPLOADS = RateLimit("avatar-upload", limit=10, window=3600)
    if UPLOADS.exhausted(user.pk): ...
    UPLOADS.hit(user.pk)
"""

from dataclasses import dataclass

from django.core.cache import cache


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

        ``add`` starts a window (atomic: only one process creates the key) and
        ``incr`` is atomic in the database cache, so concurrent hits all count.
        """
        key = self._key(who)
        if cache.add(key, 1, self.window):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # the window expired between add and incr
            cache.add(key, 1, self.window)
            return 1

    def reset(self, who) -> None:
        cache.delete(self._key(who))
