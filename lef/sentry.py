"""Errors to Sentry, when ``SENTRY_DSN`` is set (lef.settings calls :func:`start`).

What leaves the machine is the error itself: its type, message and stack
trace (code lines, no variables), the release, and the request's method and
path when the integration gives them. Nothing that
names a person: no user (not even their id), no cookies, no headers, no query
string, no form or request body, no SQL parameters, no local variables.
(sentry-sdk 3 replaced ``send_default_pii`` by these ``data_collection``
switches; each is off here, stated one by one.) :func:`_strip` removes what an
integration might still add. Tracing is off unless
``SENTRY_TRACES_SAMPLE_RATE`` asks for it.
"""

from typing import Any

NOTHING = {"mode": "off"}


def start(
    *,
    dsn: str,
    environment: str,
    release: str | None = None,
    traces_sample_rate: float | None = None,
    transport: Any = None,
) -> None:
    import sentry_sdk  # noqa: PLC0415 -- only a site with SENTRY_DSN loads it

    options: dict[str, Any] = {}
    if transport is not None:  # the tests' fake Sentry
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        data_collection={
            "user_info": False,
            "cookies": NOTHING,
            "http_headers": {"request": NOTHING},
            "http_bodies": [],
            "url_query_params": NOTHING,
            "database_query_data": False,
            "stack_frame_variables": False,
            "gen_ai": {"inputs": False, "outputs": False},
            "graphql": {"document": False, "variables": False},
        },
        max_request_body_size="never",
        before_send=_strip,
        **options,
    )


def _strip(event: dict, hint: dict) -> dict:
    """Keep the request's method and path; drop the user and everything else of the request."""
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        url = str(request.get("url", "")).split("?", 1)[0]
        event["request"] = {"method": request.get("method"), "url": url}
    return event
