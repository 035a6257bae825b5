"""Second factors in tests: staff need one before the back office opens (lef/second_factor.py).

:class:`tests.factories.UserFactory` gives every staff user an app code (TOTP)
with :data:`TOTP_SECRET`, and a test client's ``force_login`` of such a user
records in its session that the second factor was passed (tests/conftest.py),
as allauth's login does after the code page. Tests of the code page itself
log in through the login form and type :func:`totp_code`.
"""

import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

# A base32 secret, as a code app stores it.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def with_second_factor(user, *, secret: str = TOTP_SECRET, recovery_codes: bool = False):
    """Give ``user`` an app code (TOTP) with ``secret``, and recovery codes if asked."""
    TOTP.activate(user, secret)
    if recovery_codes:
        RecoveryCodes.activate(user)
    return user


def totp_code(secret: str = TOTP_SECRET, *, steps: int = 0) -> str:
    """The code a code app shows now for ``secret`` (``steps`` periods of 30 s away)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + steps))


def recovery_codes_of(user) -> list[str]:
    """``user``'s unused recovery codes."""
    instance = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(instance).get_unused_codes()


def record_second_factor_passed(client, user) -> None:
    """Write into ``client``'s session what allauth writes when ``user`` typed their code."""
    authenticator = Authenticator.objects.filter(user=user).first()
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": authenticator.type}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
