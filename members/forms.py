"""Forms of the members area: the shape of the input only; services do the work."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.validators import validate_slug
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lef.choices import CoreActivity, Role, Sector
from lef.models import Notice
from lef.notifications import full_notification_settings, kinds_for
from lef.tags import TagsFormField, normalise_tags, validate_tags
from lef.validators import validate_multiline_text, validate_plain_text
from members.avatars import AVATAR_UPLOADS, clean_avatar
from members.models import Organisation, Profile, User
from members.services import MAX_CONTACT_LENGTH
from members.usernames import validate_username_available

MAX_BIO_LENGTH = 5000
AVATAR_ACCEPT = "image/jpeg,image/png,image/webp"


class SignupForm(forms.Form):
    """Extra fields on allauth's signup form (it adds email and passwords)."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As colleagues know you, e.g. Sanne de Vries."),
        validators=[validate_plain_text],
    )

    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request, user):
        """allauth calls this after saving the user; the adapter sets the name."""


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        if obj.status == Organisation.Status.PROPOSED:
            return _("%(name)s (awaiting approval)") % {"name": obj.name}
        return obj.name


class OrganisationFormMixin:
    """Pick an approved organisation, or type the name (and kind) of a new one.

    The select lists the approved organisations by name, plus the member's own
    current one while it awaits approval. A typed name wins over the pick.
    """

    organisation_required = False

    def _setup_organisation(self, user: User) -> None:
        self.fields["organisation"].queryset = Organisation.objects.selectable_by(user).order_by(
            "name", "pk"
        )

    def _clean_organisation(self, cleaned_data: dict) -> None:
        new_name = " ".join(cleaned_data.get("new_organisation_name", "").split())
        cleaned_data["new_organisation_name"] = new_name
        if new_name and not cleaned_data.get("new_organisation_kind"):
            self.add_error("new_organisation_kind", _("Choose what kind of organisation it is."))
        if new_name:
            cleaned_data["organisation"] = None
        elif (
            self.organisation_required
            and not cleaned_data.get("organisation")
            and "organisation" not in self.errors
        ):
            self.add_error(
                "organisation",
                _("Choose your organisation, or type its name below if it is not in the list."),
            )


def _organisation_fields() -> dict[str, forms.Field]:
    return {
        "organisation": OrganisationChoiceField(
            label=_("Organisation"),
            queryset=Organisation.objects.none(),
            required=False,
            empty_label=_("— choose your school or organisation —"),
            help_text=_("The school, board, institute or start-up you work for."),
        ),
        "new_organisation_name": forms.CharField(
            label=_("Not in the list? Type its name"),
            max_length=160,
            required=False,
            validators=[validate_plain_text],
            help_text=_(
                "We add it for you; a coordinator checks it. "
                "Leave empty when you picked one above."
            ),
        ),
        "new_organisation_kind": forms.ChoiceField(
            label=_("Kind of organisation"),
            choices=[("", "—"), *Organisation.Kind.choices],
            required=False,
        ),
    }


def _notify_field_name(kind: str) -> str:
    return f"notify_{kind}"


class OtherSectorsWidget(forms.CheckboxSelectMultiple):
    """The "other sectors" checkboxes, with the member's primary sector marked (and hidden)."""

    def __init__(self, *args, primary: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.primary = primary

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"]["data-sector"] = value
        if value == self.primary:
            option["attrs"]["data-is-primary"] = ""
        return option


class ProfileForm(OrganisationFormMixin, forms.Form):
    """Everything a member can change about themselves at /members/me/edit/.

    ``cleaned_data`` holds exactly the keyword arguments of
    ``members.services.update_profile`` (except ``user``).
    """

    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        validators=[validate_plain_text],
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=40,
        validators=[validate_slug],
        help_text=_(
            "It is part of the address of your profile. Letters, digits, hyphens and underscores."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    job_title = forms.CharField(
        label=_("Job title"),
        max_length=120,
        required=False,
        validators=[validate_plain_text],
        widget=forms.TextInput(attrs={"placeholder": _("E.g. teacher in year 8, or lecturer")}),
    )
    avatar = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("A JPEG, PNG or WebP image of at most 5 MB; we crop it to a square."),
        widget=forms.FileInput(attrs={"accept": AVATAR_ACCEPT}),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my photo"), required=False)
    bio = forms.CharField(
        label=_("About me"),
        max_length=MAX_BIO_LENGTH,
        required=False,
        validators=[validate_multiline_text],
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "placeholder": _(
                    "E.g. I teach year 8 at a school in the Merenwijk and want to know what "
                    "my pupils meet in secondary school."
                ),
            }
        ),
        help_text=_(
            "What you work on and what you care about. You can use Markdown: "
            "**bold**, *italic*, [link](https://…), lists."
        ),
    )
    primary_sector = forms.ChoiceField(
        label=_("Primary sector"),
        choices=[("", "—"), *Sector.choices],
        help_text=_("The sector you mainly work in."),
    )
    other_sectors = forms.MultipleChoiceField(
        label=_("Other sectors you work in or with"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    core_activities = forms.MultipleChoiceField(
        label=_("Core activities"),
        choices=CoreActivity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expertise = TagsFormField(label=_("Expertise"), required=False)
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        max_length=200,
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    open_to_collaboration = forms.BooleanField(
        label=_("I am open to collaboration"), required=False
    )
    looking_for = forms.CharField(
        label=_("What I am looking for"),
        max_length=200,
        required=False,
        help_text=_("E.g. a vo school to try out a lesson series on transitions."),
        validators=[validate_plain_text],
    )
    visibility = forms.ChoiceField(
        label=_("Who can see my profile"),
        choices=Profile.Visibility.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Members only: only people with an account on 't LEF. "
            "Public: anyone, also search engines."
        ),
    )

    language = forms.ChoiceField(
        label=_("Language of the mail we send you"),
        choices=settings.LANGUAGES,
        help_text=_("Reminders and daily overviews arrive in this language."),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        profile = user.profile
        initial = {
            "language": user.language,
            "name": user.name,
            "username": user.username,
            "job_title": profile.job_title,
            "bio": profile.bio,
            "primary_sector": profile.primary_sector,
            "other_sectors": profile.other_sectors,
            "roles": profile.roles,
            "organisation": profile.organisation_id,
            "core_activities": profile.core_activities,
            "expertise": profile.expertise,
            "website": profile.website,
            "open_to_collaboration": profile.open_to_collaboration,
            "looking_for": profile.looking_for,
            "visibility": profile.visibility,
        }
        # Every kind's current choice: a kind not offered (coordinators' work,
        # for a member who is not one) keeps it when the form is saved.
        self.notification_settings = full_notification_settings(profile.notification_settings)
        self.notification_kinds = [kind.value for kind in kinds_for(user)]
        for kind, delivery in self.notification_settings.items():
            initial[_notify_field_name(kind)] = delivery
        super().__init__(*args, initial=initial, **kwargs)
        self.fields.update(_organisation_fields())
        for kind in kinds_for(user):
            self.fields[_notify_field_name(kind.value)] = forms.ChoiceField(
                label=kind.label, choices=Notice.Delivery.choices
            )
        self._setup_organisation(user)
        # Your primary sector is not offered again as an "other" sector: its box
        # is marked and hidden by CSS; static/js/profile-form.js moves the mark
        # when the primary sector changes.
        primary = self.data.get("primary_sector") if self.is_bound else profile.primary_sector
        self.fields["other_sectors"].widget = OtherSectorsWidget(primary=primary or "")
        self.fields["expertise"].help_text = _(
            "Topics you know about, separated by commas, e.g. rekenen, praktijkonderzoek. "
            "At most %(max)d."
        ) % {"max": self.fields["expertise"].max_tags}
        self.fields["expertise"].widget.attrs.update(
            {
                "autocomplete": "off",
                "data-hx-get": str(reverse_lazy("members:expertise_suggestions")),
                "data-hx-trigger": "input changed delay:300ms, focus once",
                "data-hx-target": "#expertise-suggestions",
                "data-hx-swap": "innerHTML",
                "data-hx-sync": "this:replace",
                "aria-describedby": "id_expertise_helptext expertise-suggestions",
            }
        )
        self.helper = self._helper(has_avatar=bool(profile.avatar))

    def _helper(self, *, has_avatar: bool) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        photo = ["avatar", "remove_avatar"] if has_avatar else ["avatar"]
        helper.layout = Layout(
            Fieldset(
                _("About you"),
                "name",
                "username",
                "job_title",
                *photo,
                "bio",
                css_id="about",
            ),
            Fieldset(
                _("Sectors and roles"),
                "primary_sector",
                "other_sectors",
                "roles",
                css_id="sectors",
            ),
            Fieldset(
                _("Organisation"),
                "organisation",
                Div("new_organisation_name", "new_organisation_kind", css_class="lef-propose"),
                css_id="organisation",
            ),
            Fieldset(
                _("What you do"),
                "core_activities",
                Field("expertise"),
                HTML(
                    '<div id="expertise-suggestions" class="lef-suggestions" '
                    'aria-live="polite"></div>'
                ),
                "website",
                css_id="work",
            ),
            Fieldset(
                _("Collaboration"),
                "open_to_collaboration",
                "looking_for",
                css_id="collaboration",
            ),
            Fieldset(
                _("Privacy"),
                "visibility",
                css_id="privacy",
            ),
            Fieldset(
                _("Mail from 't LEF"),
                HTML(
                    format_html(
                        '<p class="form-text">{}</p>',
                        _(
                            "For each kind of mail, choose whether it arrives immediately, "
                            "once a day in one overview, or not at all. Mails that confirm "
                            "something you did yourself and mails about your account's "
                            "security always arrive."
                        ),
                    )
                ),
                *[_notify_field_name(kind) for kind in self.notification_kinds],
                "language",
                css_id="notifications",
            ),
        )
        return helper

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip().lower()
        validate_username_available(username)
        if User.objects.filter(username__iexact=username).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(_("This username is already taken."), code="taken")
        return username

    def clean_avatar(self):
        uploaded = self.cleaned_data.get("avatar")
        if not uploaded:
            return None
        # Counted before decoding: a refused file costs the server as much.
        if AVATAR_UPLOADS.exhausted(self.user.pk):
            raise forms.ValidationError(
                _("You changed your photo often in the last hour. Please try again later."),
                code="rate_limited",
            )
        AVATAR_UPLOADS.hit(self.user.pk)
        return clean_avatar(uploaded)

    def clean(self) -> dict:
        cleaned_data = super().clean()
        self._clean_organisation(cleaned_data)
        primary = cleaned_data.get("primary_sector")
        cleaned_data["other_sectors"] = [
            s for s in cleaned_data.get("other_sectors", []) if s != primary
        ]
        cleaned_data["notification_settings"] = {
            kind: cleaned_data.pop(_notify_field_name(kind), delivery)
            for kind, delivery in self.notification_settings.items()
        }
        return cleaned_data


class OnboardingForm(OrganisationFormMixin, forms.Form):
    """The short first step: who you are, your sector and your organisation."""

    organisation_required = True

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As colleagues know you."),
        validators=[validate_plain_text],
    )
    primary_sector = forms.ChoiceField(
        label=_("The sector you mainly work in"),
        choices=Sector.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user: User, **kwargs):
        profile = user.profile
        initial = {
            "name": user.name,
            "primary_sector": profile.primary_sector,
            "organisation": profile.organisation_id,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields.update(_organisation_fields())
        self._setup_organisation(user)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "name",
            "primary_sector",
            Fieldset(
                _("Your organisation"),
                "organisation",
                Div("new_organisation_name", "new_organisation_kind", css_class="lef-propose"),
            ),
        )

    def clean(self) -> dict:
        cleaned_data = super().clean()
        self._clean_organisation(cleaned_data)
        return cleaned_data


class InterestsForm(forms.Form):
    """The second, skippable step: what you work on, so we can suggest colleagues."""

    core_activities = forms.MultipleChoiceField(
        label=_("What do you do?"),
        choices=CoreActivity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more."),
    )
    popular = forms.MultipleChoiceField(
        label=_("Topics colleagues work on"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tap the ones that are yours too."),
    )
    expertise = TagsFormField(
        label=_("Your own topics"),
        required=False,
        help_text=_("Separated by commas, e.g. rekenen, begrijpend lezen, brugklas."),
    )

    def __init__(self, *args, user: User, popular_tags: list[str], **kwargs):
        profile = user.profile
        chosen = set(profile.expertise)
        initial = {
            "core_activities": profile.core_activities,
            "popular": [tag for tag in popular_tags if tag in chosen],
            "expertise": [tag for tag in profile.expertise if tag not in set(popular_tags)],
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["popular"].choices = [(tag, tag) for tag in popular_tags]
        self.fields["expertise"].widget.attrs.update(
            {"autocomplete": "off", "placeholder": _("e.g. rekenen, brugklas")}
        )

    def clean(self) -> dict:
        cleaned_data = super().clean()
        tags = [*cleaned_data.get("popular", []), *cleaned_data.get("expertise", [])]
        cleaned_data["expertise"] = normalise_tags(tags)
        try:
            validate_tags(cleaned_data["expertise"])
        except forms.ValidationError as error:
            self.add_error("expertise", error)
        return cleaned_data


class ContactForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=MAX_CONTACT_LENGTH,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].help_text = _(
            "At most %(max)d characters. Say who you are and why you write; "
            "they can answer you by email."
        ) % {"max": MAX_CONTACT_LENGTH}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
