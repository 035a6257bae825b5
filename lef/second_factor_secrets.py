"""Second-factor secrets encrypted at rest: allauth's MFA adapter with Fernet.

allauth keeps an app code's (TOTP) secret and the seed the recovery codes are
made from in the database (``mfa_authenticator.data``). In the clear, anyone
with a copy of the database, a stolen backup say, could compute a member's
codes. :class:`MFAAdapter` stores them encrypted (Fernet: AES-128-CBC with an
HMAC) under a key derived from ``SECRET_KEY``, which is never in the database
or its backups.

``SECRET_KEY`` changes the way Django's own signing does: put the old key in
``SECRET_KEY_FALLBACKS`` (they still decrypt), run ``manage.py
reencrypt_second_factors`` (everything is encrypted with the new key), then
drop the old key. A database restored under another ``SECRET_KEY`` without
the old one among the fallbacks has unreadable second factors: their owners
sign in with a recovery code's help from a superuser (README, "Deploying").

A value written before this module (no :data:`PREFIX`) is read as it is, and
the migration ``lef.0009`` encrypted those that existed.
"""

import base64

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes

PREFIX = "fernet:"
# Kept apart from every other use of SECRET_KEY (sessions, signing, tokens).
KEY_SALT = "lef.second_factor_secrets"


def _fernet(secret: str) -> Fernet:
    digest = salted_hmac(KEY_SALT, "fernet key", secret=force_bytes(secret), algorithm="sha256")
    return Fernet(base64.urlsafe_b64encode(digest.digest()))


def keys() -> MultiFernet:
    """The current key first (it encrypts), then one per fallback (they still decrypt)."""
    return MultiFernet(
        [_fernet(secret) for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]
    )


def encrypt(text: str) -> str:
    return PREFIX + keys().encrypt(text.encode()).decode("ascii")


def decrypt(stored: str) -> str:
    """The secret in ``stored``; a value from before encryption as it is."""
    if not stored.startswith(PREFIX):
        return stored
    return keys().decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()


def reencrypt(stored: str) -> str:
    """``stored`` encrypted with the current key (from a fallback, or from the clear)."""
    if not stored.startswith(PREFIX):
        return encrypt(stored)
    return PREFIX + keys().rotate(stored.removeprefix(PREFIX).encode("ascii")).decode("ascii")


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)


# What allauth encrypts, per kind of authenticator: the keys in its ``data``
# holding one secret, and those holding a list of them (codes brought over
# from django-allauth-2fa). Passkeys hold public keys only.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


def reencrypt_data(kind: str, data: dict) -> dict:
    """``data`` of an authenticator of ``kind`` with every secret in it re-encrypted."""
    data = dict(data)
    for field in SECRET_FIELDS.get(kind, ()):
        if field in data:
            data[field] = reencrypt(data[field])
    for field in SECRET_LISTS.get(kind, ()):
        if data.get(field) is not None:
            data[field] = [reencrypt(value) for value in data[field]]
    return data
