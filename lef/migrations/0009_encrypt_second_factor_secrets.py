"""Encrypt the second-factor secrets stored before lef.second_factor_secrets (in the clear)."""

from django.db import migrations

from lef.second_factor_secrets import SECRET_FIELDS, SECRET_LISTS, reencrypt_data


def encrypt_existing(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(
        type__in=set(SECRET_FIELDS) | set(SECRET_LISTS)
    ):
        authenticator.data = reencrypt_data(authenticator.type, authenticator.data)
        authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("lef", "0008_audit_entry"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    # Not reversible: putting secrets back in the clear is not something to do by a rollback.
    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop)]
