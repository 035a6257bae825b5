"""Second-factor secrets are stored encrypted and survive a change of SECRET_KEY."""

import importlib
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management import call_command

from lef.second_factor_secrets import PREFIX
from tests.factories import UserFactory
from tests.second_factor import TOTP_SECRET, recovery_codes_of, totp_code

pytestmark = pytest.mark.django_db

OLD_KEY = "an-old-secret-key-that-is-long-enough-for-the-tests-0123456789"
NEW_KEY = "a-new-secret-key-that-is-long-enough-for-the-tests-9876543210"


def _stored(user, kind):
    return Authenticator.objects.get(user=user, type=kind).data


def _app_code(user):
    return TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))


def test_an_app_code_secret_is_stored_encrypted_and_still_checks_codes():
    user = UserFactory()
    TOTP.activate(user, TOTP_SECRET)

    stored = _stored(user, Authenticator.Type.TOTP)["secret"]
    assert stored.startswith(PREFIX)
    assert TOTP_SECRET not in stored
    assert _app_code(user).validate_code(totp_code())
    assert not _app_code(user).validate_code(totp_code(steps=10))  # 5 minutes off


def test_the_recovery_codes_seed_is_stored_encrypted_and_the_codes_still_work():
    user = UserFactory()
    codes = RecoveryCodes.activate(user).generate_codes()

    seed = _stored(user, Authenticator.Type.RECOVERY_CODES)["seed"]
    assert seed.startswith(PREFIX)
    assert recovery_codes_of(user) == codes
    wrapped = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes"))
    assert wrapped.validate_code(codes[0])


def test_a_secret_stored_in_the_clear_before_still_works_and_the_command_encrypts_it():
    user = UserFactory()
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    assert _app_code(user).validate_code(totp_code())

    out = StringIO()
    call_command("reencrypt_second_factors", stdout=out)

    assert _stored(user, Authenticator.Type.TOTP)["secret"].startswith(PREFIX)
    assert "1 second factor(s)" in out.getvalue()
    assert _app_code(user).validate_code(totp_code(steps=1))


def test_the_migration_encrypts_the_secrets_it_finds_in_the_clear():
    user = UserFactory()
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    )
    migration = importlib.import_module("lef.migrations.0009_encrypt_second_factor_secrets")

    migration.encrypt_existing(apps, None)

    codes = _stored(user, Authenticator.Type.RECOVERY_CODES)
    assert codes["seed"].startswith(PREFIX)
    assert codes["used_mask"] == 0
    assert [code.startswith(PREFIX) for code in codes["migrated_codes"]] == [True]
    assert recovery_codes_of(user) == ["12345678"]
    assert _app_code(user).validate_code(totp_code())


def test_a_new_secret_key_reads_old_secrets_through_the_fallbacks_until_reencrypted(settings):
    settings.SECRET_KEY = OLD_KEY
    user = UserFactory()
    TOTP.activate(user, TOTP_SECRET)
    under_old_key = _stored(user, Authenticator.Type.TOTP)["secret"]

    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    assert _app_code(user).validate_code(totp_code())
    call_command("reencrypt_second_factors", stdout=StringIO())
    assert _stored(user, Authenticator.Type.TOTP)["secret"] != under_old_key

    settings.SECRET_KEY_FALLBACKS = []
    assert _app_code(user).validate_code(totp_code(steps=1))


def test_without_the_old_key_an_old_secret_is_refused_not_misread(settings):
    settings.SECRET_KEY = OLD_KEY
    user = UserFactory()
    TOTP.activate(user, TOTP_SECRET)

    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(InvalidToken):
        _app_code(user).validate_code(totp_code())
