from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    """Extra fields on allauth's signup form (it adds email and passwords)."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As colleagues know you, e.g. Sanne de Vries."),
    )

    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request, user):
        """allauth calls this after saving the user; the adapter sets the name."""
