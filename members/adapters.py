from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_email, user_username

from lef.mail import send_rendered_message
from members.usernames import unique_username


class AccountAdapter(DefaultAccountAdapter):
    """allauth adapter: usernames from the name, mail through the task queue."""

    def populate_username(self, request, user):
        if not user_username(user):
            user_username(user, unique_username(user.name, user_email(user) or ""))

    def save_user(self, request, user, form, commit=True):
        user.name = form.cleaned_data.get("name", "").strip()
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        send_rendered_message(message)
