from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_email, user_username
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from lef.mail import send_rendered_message
from members.decorators import has_completed_onboarding
from members.services import ensure_profile
from members.usernames import unique_username


class AccountAdapter(DefaultAccountAdapter):
    """allauth adapter: usernames from the name, mail through the task queue.

    Account mails (confirmation, password reset, ...) are security mails: they are
    sent whatever the member's notification settings.
    """

    def populate_username(self, request, user):
        if not user_username(user):
            user_username(user, unique_username(user.name, user_email(user) or ""))

    def save_user(self, request, user, form, commit=True):
        user.name = form.cleaned_data.get("name", "").strip()
        # Mail sent later (digests, reminders) speaks the language they signed up in.
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            user.language = language
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            ensure_profile(user=user)
        return user

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        send_rendered_message(message)

    def get_login_redirect_url(self, request):
        """Members who have not done the first profile step go there first.

        allauth uses this when no explicit ``?next=`` was given.
        """
        if not has_completed_onboarding(request.user):
            return reverse("members:onboarding")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        """After signing up and confirming the address (which logs in): the first step."""
        if request.user.is_authenticated and not has_completed_onboarding(request.user):
            return reverse("members:onboarding")
        return super().get_signup_redirect_url(request)


def user_display(user) -> str:
    """How allauth names a user in its messages ("Logged in as Sanne de Vries")."""
    return str(user)
