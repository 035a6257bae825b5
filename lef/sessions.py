"""How long a signed-in session lasts: an idle lifetime and an absolute one.

* Idle: a session nobody used for ``SESSION_COOKIE_AGE`` (``SESSION_IDLE_DAYS``,
  two weeks by default) has expired: the database row's expiry and the
  cookie's are moved on when the session is used. Not on every request (Django's
  ``SESSION_SAVE_EVERY_REQUEST`` writes the session row on each page view, and
  a page view otherwise writes nothing): :class:`SessionLifetimeMiddleware`
  moves them on at most once per 1/24 of the idle lifetime (14 hours for two
  weeks). So a session ends after between 23/24 and all of the idle lifetime
  unused, for one small write per member per half a day.
* Absolute: a session lasts at most ``LEF_SESSION_ABSOLUTE_AGE`` seconds
  (``SESSION_ABSOLUTE_DAYS``, 30 by default) after its login, however busy:
  :func:`record_login` notes when the login was, the middleware logs out a
  session older than that, and the member logs in again (with their second
  factor, if they have one).

A new session key at login, and the end of a member's other sessions when
their password changes, are Django's: ``login()`` cycles the key, and a
session remembers a hash of the password it was opened with
(``update_session_auth_hash`` keeps only the session that changed it).
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.translation import gettext as _

LOGIN_AT = "lef_login_at"
SEEN_AT = "lef_seen_at"


def record_login(sender, request, user, **kwargs) -> None:
    """On ``user_logged_in``: note when this session's login was (for the absolute lifetime)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionLifetimeMiddleware:
    """Ends a signed-in session past its absolute lifetime; keeps a used one from going idle.

    After the session and authentication middleware, and the messages
    middleware (a member logged out here is told why). Reads only the session,
    which is loaded anyway for a signed-in member: no query of its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = time.time()
            login_at = session.get(LOGIN_AT)
            if login_at is None:
                # Signed in before this rule existed (or by a path without login()):
                # the lifetime counts from now.
                session[LOGIN_AT] = session[SEEN_AT] = now
            elif now - login_at > settings.LEF_SESSION_ABSOLUTE_AGE:
                logout(request)
                messages.info(
                    request,
                    _("For your safety a login lasts a limited time. Please log in again."),
                )
            elif now - session.get(SEEN_AT, 0) > settings.SESSION_COOKIE_AGE / 24:
                # Saving the session moves its expiry (row and cookie) on by SESSION_COOKIE_AGE.
                session[SEEN_AT] = now
        return self.get_response(request)
