"""A second factor for those who hold the keys: staff and coordinators.

Any member may set up two-factor authentication (allauth's MFA: an app code,
passkeys and recovery codes, see the README). For active
staff (every coordinator and superuser is staff) it is required before a
back-office page opens: the admin, the dashboard and the door list. A view asks with
:func:`second_factor_required_for_staff`; the admin site asks for all its views.

What is checked is the *session*, not only the account: the session must have
passed a second factor, as allauth records it (``get_authentication_records``,
method ``"mfa"``, written when the code or passkey is asked at login, by a
login with a passkey alone, at re-authentication, and by
:func:`record_activation` when the member has just set one up by typing a code
or using the new passkey). An account with a second factor is not enough:
a session that was signed in before the second factor was set up, or by a
path that skips allauth's login stages, has not shown one. So:

* staff without a second factor are sent to set one up (an app code), with a
  message saying why;
* staff with one whose session did not pass it are asked for it (allauth's
  re-authentication page: the code's, or the passkey's when they have no code
  app), and come back;
* everyone else (members, organisers at the door who are not staff) passes.

The check costs no query for staff whose session passed, and one for the rest.
This module may be imported before the models are loaded (lef.admin_site is):
allauth's modules are imported where they are used.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from lef.http import safe_next_url

# The page a member was on when they were sent to set up a second factor; the
# last page of the set-up (the recovery codes) links back to it.
NEXT_SESSION_KEY = "lef_second_factor_next"


def needs_second_factor(user) -> bool:
    """Whether ``user`` must pass a second factor before back-office pages: active staff."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def second_factor_types(user) -> set[str]:
    """The second factors ``user`` set up ("totp", "webauthn"), recovery codes left out."""
    from allauth.mfa.models import Authenticator  # noqa: PLC0415

    return set(
        Authenticator.objects.filter(user_id=user.pk)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .values_list("type", flat=True)
    )


def has_second_factor(user) -> bool:
    """Whether ``user`` set up a second factor: an app code or a passkey, not recovery codes."""
    return bool(second_factor_types(user))


def session_passed_second_factor(request: HttpRequest) -> bool:
    """Whether this session showed a second factor for its user (no query)."""
    from allauth.account.authentication import get_authentication_records  # noqa: PLC0415

    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def passed_if_needed(request: HttpRequest) -> bool:
    """Whether ``request``'s user may open back-office pages as far as second factors go."""
    return not needs_second_factor(request.user) or session_passed_second_factor(request)


def second_factor_redirect(request: HttpRequest, next_url: str = "") -> HttpResponse | None:
    """None when ``request`` may open a back-office page; otherwise where to go first.

    ``next_url``: where to come back to; by default the page asked for (after a
    GET), else the admin's index.
    """
    if passed_if_needed(request):
        return None
    user = request.user
    if not next_url and request.method in {"GET", "HEAD"}:
        next_url = request.get_full_path()
    next_url = safe_next_url(request, next_url) or reverse("admin:index")
    types = second_factor_types(user)
    if types:
        messages.info(
            request,
            _("Confirm with your second factor that it is you: then the back office opens."),
        )
        # allauth's code page sends those without a code app to the password's
        # page, which would not do: a passkey alone goes to the passkey's page.
        url = reverse("mfa_reauthenticate" if "totp" in types else "mfa_reauthenticate_webauthn")
    else:
        messages.warning(
            request,
            _(
                "The back office holds the data of every member, so it asks for a second "
                "factor. Set up a code app on your phone first; it takes a minute."
            ),
        )
        request.session[NEXT_SESSION_KEY] = next_url
        url = reverse("mfa_activate_totp")
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}")


def second_factor_required_for_staff(view: Callable) -> Callable:
    """View decorator: staff and coordinators pass a second factor before ``view`` opens.

    Put it outside ``login_required`` and permission checks, or inside: it lets
    visitors and members through untouched, so those still decide for them.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return second_factor_redirect(request) or view(request, *args, **kwargs)

    return wrapper


def record_activation(sender, request, user, authenticator, **kwargs) -> None:
    """On ``authenticator_added``: a member who just set one up (a code, a passkey) passed it.

    Without this, a coordinator sent to set up a code app would be asked for a
    code once more right after typing one. Recovery codes are made along with
    the app code and prove nothing of their own.
    """
    from allauth.account.internal.flows.login import record_authentication  # noqa: PLC0415
    from allauth.mfa.models import Authenticator  # noqa: PLC0415

    if request is None or authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return
    if request.user.is_authenticated and request.user.pk == user.pk:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True
        )


def back_office_url(request: HttpRequest) -> str:
    """The back-office page a member was sent from to set up a second factor, or ""."""
    return safe_next_url(request, request.session.get(NEXT_SESSION_KEY))
