"""Texts of Django and django-allauth that 't LEF words its own way.

Our catalogue (locale/) comes before the libraries' own, so translating the
libraries' source texts there replaces their Dutch. The texts are listed here
so that ``make messages`` keeps them in our catalogue: "inloggen" and "account
maken" for the account (never "aanmelden", which is for meetups, or
"registreren"), "je" and never "u", and no misspellings. The English catalogue
repeats them unchanged. tests/lef/test_wording.py renders the account pages in
Dutch and checks what a member reads.

Nothing imports this module; it only carries the texts.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

LIBRARY_TEXTS = (
    # allauth: pages and buttons.
    gettext_noop("Sign In"),
    gettext_noop("Sign Up"),
    gettext_noop("Signup"),
    gettext_noop("Sign Out"),
    gettext_noop("Are you sure you want to sign out?"),
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam "
        "folder. Otherwise contact us if you do not receive it in a few minutes."
    ),
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to "
        "finalize the signup process. If you do not see the verification email in your main "
        "inbox, check your spam folder. Please contact us if you do not receive the "
        "verification email within a few minutes."
    ),
    # allauth: passkeys and codes by mail (its Dutch says "aanmelden").
    gettext_noop("Sign in with a passkey"),
    gettext_noop("Send me a sign-in code"),
    gettext_noop("A sign-in code has been sent to %(recipient)s."),
    gettext_noop("Other sign-in options"),
    # allauth: messages and form errors.
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("A user is already registered with this email address."),
    # Django 6.1's empty choice in the admin, not yet in Django's Dutch.
    gettext_noop("- Select an option -"),
    # Django: password checks, shown on the signup and password forms.
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("Your password can’t be too similar to your other personal information."),  # noqa: RUF001 -- Django's own text
    gettext_noop("Your password can’t be a commonly used password."),  # noqa: RUF001 -- Django's own text
    gettext_noop("Your password can’t be entirely numeric."),  # noqa: RUF001 -- Django's own text
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
)
