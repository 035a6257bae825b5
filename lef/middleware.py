"""Middleware of the platform's own."""

import logging
import time

from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.functional import empty


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


request_logger = logging.getLogger("lef.request")


class RequestLogMiddleware:
    """One log line per request on ``lef.request``: method, path, status, duration, user id.

    The path is the URL pattern that answered ("members/<str:username>/"), so
    no name or slug of a person lands in the log; a path that matched nothing
    is logged as it came, without its query string. The user is their id,
    and only when the request already loaded them: logging never costs a query.
    No address, no name, no e-mail. JSON with ``LOG_FORMAT=json`` (lef.log_format).
    First in MIDDLEWARE, so the duration covers every other middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        match = getattr(request, "resolver_match", None)
        path = f"/{match.route}" if match is not None and match.route else request.path
        fields = {
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": _loaded_user_id(request),
        }
        request_logger.info(
            "%s %s %s %sms user=%s",
            fields["method"],
            path,
            fields["status"],
            duration_ms,
            fields["user_id"] if fields["user_id"] is not None else "-",
            extra={"fields": fields},
        )
        return response


def _loaded_user_id(request) -> int | None:
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None  # not loaded by the view: asking now would cost a query
    return user.pk if user.is_authenticated else None
