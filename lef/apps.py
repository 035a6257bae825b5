from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LefConfig(AppConfig):
    name = "lef"
    verbose_name = _("'t LEF")

    def ready(self):
        # Registers the system checks, and finds every app's hooks.py.
        from django.tasks.signals import task_finished  # noqa: PLC0415

        from lef import checks, hooks, mail  # noqa: F401, PLC0415 -- models are loaded now

        hooks.discover()
        # A delivered mail's text and addresses are not kept in the task table.
        task_finished.connect(mail.delete_delivered_mail, dispatch_uid="lef.mail.delivered")
        # A member who just set up a second factor (by typing its code) passed it.
        from allauth.mfa.signals import authenticator_added  # noqa: PLC0415

        from lef import second_factor  # noqa: PLC0415

        authenticator_added.connect(
            second_factor.record_activation, dispatch_uid="lef.second_factor.activated"
        )
        # A session's absolute lifetime counts from its login.
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415

        from lef import sessions  # noqa: PLC0415

        user_logged_in.connect(sessions.record_login, dispatch_uid="lef.sessions.login")
