"""Middleware of the platform's own."""

import logging
import sys
import time

import psycopg
import psycopg_pool
from django.core.signals import got_request_exception
from django.db import InterfaceError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers, patch_cache_control
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


# -- The database is down: a friendly 503 --------------------------------------------

# SQLSTATEs of a server that is going away or not accepting connections yet:
# class 08 (connection exception), admin/crash shutdown, "cannot connect now".
_SERVER_GONE_STATES = frozenset({"57P01", "57P02", "57P03"})
_NO_CONNECTION = (psycopg_pool.PoolTimeout, InterfaceError, psycopg.InterfaceError)
# Seconds a browser (or a client that reads it) should wait before trying again:
# a restart of the database server takes a few.
RETRY_AFTER_SECONDS = 10

database_logger = logging.getLogger("lef.database")


def is_database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` says the database server cannot be reached, not that a query failed.

    True for a refused or dropped connection, a server shutting down or starting
    up, and the pool's timeout waiting for a connection; False for a statement
    or lock timeout, a deadlock or a constraint (OperationalError covers those
    too, and they are bugs or races to see as such, not an outage).
    """
    for candidate in (error, getattr(error, "__cause__", None)):
        if isinstance(candidate, _NO_CONNECTION):
            return True
        if isinstance(candidate, psycopg.OperationalError):
            state = candidate.sqlstate
            return state is None or state.startswith("08") or state in _SERVER_GONE_STATES
    return False


def database_unavailable_response() -> HttpResponse:
    """The 503 page: rendered without the request's context, which reads the database."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _note_database_failure(sender, request=None, **kwargs):
    """Mark a request whose uncaught error was the database being away (see below)."""
    if request is not None and is_database_unavailable(sys.exc_info()[1]):
        request.lef_database_unavailable = True


class DatabaseUnavailableMiddleware:
    """While the database server cannot be reached, answer a friendly 503, quickly.

    A view's error comes to ``process_exception``. The session and the user are
    read before any view (the session and authentication middleware, the
    private-cache check), and Django turns an error inside a middleware into a
    500 response right there, so it never reaches this one as an exception:
    the ``got_request_exception`` signal, sent while that error is being
    handled, marks the request, and this middleware, placed before them,
    replaces that 500 with the 503.

    Quickly: the first request to find the server gone waits the pool's
    ``timeout`` (lef/settings.py). A sync worker serves one request at a time,
    so every later one would wait as long, and the queue in front of the
    workers grows by that much per request. So this process remembers that the
    server was unreachable, and until it answers again each request first
    tries one direct connection (refused at once while the server is down)
    and gets the 503 without waiting. Once it connects, requests go through
    the pool again, which has reconnected by itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # This process's last word on the server (a fact about it, not data).
        self.unreachable = False
        got_request_exception.connect(
            _note_database_failure, dispatch_uid="lef.middleware.database_unavailable"
        )

    def __call__(self, request):
        if self.unreachable:
            if not _server_answers():
                return self._unavailable(request, "still unreachable")
            self.unreachable = False
        response = self.get_response(request)
        if getattr(request, "lef_database_unavailable", False):
            return self._unavailable(request, "error in a middleware")
        return response

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return self._unavailable(request, type(exception).__name__)
        return None

    def _unavailable(self, request, why: str) -> HttpResponse:
        self.unreachable = True
        database_logger.warning(
            "database unavailable: %s %s answered 503 (%s)", request.method, request.path, why
        )
        return database_unavailable_response()


def _server_answers() -> bool:
    """Whether one new connection, outside the pool, reaches the server (in a second at most)."""
    try:
        psycopg.connect(**connection.get_connection_params(), connect_timeout=1).close()
    except psycopg.Error:
        return False
    return True


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
