"""Middleware of the platform's own."""

from django.shortcuts import render
from django.utils.cache import patch_cache_control


def _has_nul(values) -> bool:
    return any("\x00" in value for _key, items in values.lists() for value in items)


class RejectNulBytesMiddleware:
    """Answer 400 to a path, query string or form field with a NUL byte.

    PostgreSQL refuses NUL in text, so any such value that reaches a query (a
    slug or token from the path, an admin list filter, a search) would
    otherwise end in a 500. No person types one; the page says the address is
    not right.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path_info
            or _has_nul(request.GET)
            or (request.method == "POST" and _has_nul(request.POST))
        ):
            return render(request, "400.html", status=400)
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Pages for a signed-in member are theirs alone: ``Cache-Control: private``.

    A shared cache (a proxy, a CDN) must never hand one member's page (their
    name, their messages) to someone else. Responses that chose their own
    caching (``never_cache``, static files) keep it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response
