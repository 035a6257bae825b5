from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LefConfig(AppConfig):
    name = "lef"
    verbose_name = _("'t LEF")

    def ready(self):
        # Registers the system checks, and lef's own parts of a member's
        # export and account deletion.
        from django.tasks.signals import task_finished  # noqa: PLC0415

        from lef import checks, mail, privacy  # noqa: F401, PLC0415 -- models are loaded now

        privacy.register()
        # A delivered mail's text and addresses are not kept in the task table.
        task_finished.connect(mail.delete_delivered_mail, dispatch_uid="lef.mail.delivered")
