"""``manage.py reencrypt_second_factors``: every second-factor secret under the current key.

Run after a new ``SECRET_KEY``, while the old one is still in
``SECRET_KEY_FALLBACKS`` (lef.second_factor_secrets). Safe to repeat: a secret
already under the current key is encrypted again with it.
"""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from lef.second_factor_secrets import SECRET_FIELDS, SECRET_LISTS, reencrypt_data


class Command(BaseCommand):
    help = "Encrypt every second-factor secret with the current SECRET_KEY."

    def handle(self, *args, **options):
        kinds = set(SECRET_FIELDS) | set(SECRET_LISTS)
        done = 0
        with transaction.atomic():
            for authenticator in (
                Authenticator.objects.select_for_update().filter(type__in=kinds).order_by("pk")
            ):
                authenticator.data = reencrypt_data(authenticator.type, authenticator.data)
                authenticator.save(update_fields=["data"])
                done += 1
        self.stdout.write(f"{done} second factor(s) encrypted with the current key.")
