"""Forms of the projects area: the shape of the input only; services do the work."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from lef.choices import CoreActivity, Role, Sector, Transition
from lef.filters import DropDownFilters
from lef.images import ACCEPT as IMAGE_ACCEPT
from lef.ratelimit import RateLimit
from lef.tags import TagsFormField, normalise_tag
from lef.validators import validate_multiline_text, validate_plain_text
from projects.models import (
    LOOKING_FOR_MAX_LENGTH,
    MAX_TEAM_SIZE,
    PROJECT_IMAGES,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Project,
)
from projects.queries import DEFAULT_SORT, SORTS
from projects.services import (
    MAX_DESCRIPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    MAX_MOTIVATION_LENGTH,
    MAX_UPDATE_LENGTH,
    ProjectDetails,
)

# Each upload is decoded and re-encoded: a ceiling per member.
IMAGE_UPLOADS = RateLimit("project-image-upload", limit=20, window=60 * 60)
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def _checkboxes(label, choices, **kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


def _date(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "min": EARLIEST.isoformat(), "max": LATEST.isoformat()},
            format="%Y-%m-%d",
        ),
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
    )


class ImageFieldMixin:
    """An optional image upload, checked and re-encoded in ``clean_image`` (rate-limited)."""

    image_field = "image"

    def _clean_upload(self, user):
        uploaded = self.cleaned_data.get(self.image_field)
        if not uploaded:
            return None
        if IMAGE_UPLOADS.exhausted(user.pk):
            raise forms.ValidationError(
                _("You uploaded many images in the last hour. Please try again later."),
                code="rate_limited",
            )
        IMAGE_UPLOADS.hit(user.pk)
        return PROJECT_IMAGES.clean(uploaded)


class ProjectForm(ImageFieldMixin, forms.Form):
    """Starting a project (/projects/new/) and editing it: ``details()`` for the services."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        validators=[validate_plain_text],
        help_text=_("Short and clear, e.g. “Rekenen in groep 8 en de brugklas”."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX_LENGTH,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences for the project list."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION_LENGTH,
        required=False,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What you want to do, why, and with whom. You can use Markdown: "
            "**bold**, *italic*, [link](https://…), lists."
        ),
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("A JPEG, PNG or WebP image of at most 5 MB, e.g. a photo of your class."),
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Project.Status.choices)
    start_date = _date(_("Start date"))
    end_date = _date(_("End date"))
    sectors = _checkboxes(_("Sectors involved"), Sector.choices)
    transitions = _checkboxes(
        _("Transitions it is about"),
        Transition.choices,
        help_text=_("The move between sectors the project helps pupils and students with."),
    )
    core_activities = _checkboxes(_("Core activities"), CoreActivity.choices)
    tags = TagsFormField(label=_("Tags"), required=False)
    looking_for_sectors = _checkboxes(_("Sectors you are looking for"), Sector.choices)
    looking_for_roles = _checkboxes(_("Roles you are looking for"), Role.choices)
    looking_for_text = forms.CharField(
        label=_("Who you are looking for, in your own words"),
        max_length=LOOKING_FOR_MAX_LENGTH,
        required=False,
        validators=[validate_plain_text],
        help_text=_("E.g. a vo maths teacher who wants to try out lessons in groep 8."),
    )
    max_team_size = forms.IntegerField(
        label=_("Maximum team size"),
        required=False,
        min_value=2,
        max_value=MAX_TEAM_SIZE,
        help_text=_("Leads included. Leave empty for no maximum."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see the project"),
        choices=Project.Visibility.choices,
        widget=forms.RadioSelect,
        help_text=_("Everyone: also visitors without an account. Members only: people on 't LEF."),
    )
    requires_approval = forms.BooleanField(
        label=_("New team members need a lead's approval"),
        required=False,
        help_text=_("Without approval, members who ask to join are on the team at once."),
    )

    def __init__(self, *args, user, project: Project | None = None, **kwargs):
        self.user = user
        self.project = project
        if project is not None:
            initial = {name: getattr(project, name) for name in ProjectDetails.names()}
        else:
            initial = {
                "status": Project.Status.LOOKING,
                "visibility": Project.Visibility.PUBLIC,
                "requires_approval": True,
                "sectors": [user.profile.primary_sector] if user.profile.primary_sector else [],
            }
        super().__init__(*args, initial=initial, **kwargs)
        if project is None or not project.image:
            del self.fields["remove_image"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        image = ["image", "remove_image"] if "remove_image" in self.fields else ["image"]
        self.helper.layout = Layout(
            Fieldset(_("The project"), "title", "summary", "description", *image),
            Fieldset(
                _("Status and dates"),
                "status",
                Div(
                    Div("start_date", css_class="col-sm-6"),
                    Div("end_date", css_class="col-sm-6"),
                    css_class="row",
                ),
            ),
            Fieldset(_("What it is about"), "sectors", "transitions", "core_activities", "tags"),
            Fieldset(
                _("Who you are looking for"),
                "looking_for_sectors",
                "looking_for_roles",
                "looking_for_text",
                "max_team_size",
            ),
            Fieldset(_("Joining and visibility"), "visibility", "requires_approval"),
        )

    def clean_image(self):
        return self._clean_upload(self.user)

    def clean(self) -> dict:
        cleaned_data = super().clean()
        start, end = cleaned_data.get("start_date"), cleaned_data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned_data

    def details(self) -> ProjectDetails:
        data = self.cleaned_data
        return ProjectDetails(
            **{name: data.get(name) for name in ProjectDetails.names()}
            | {
                "description": data.get("description", ""),
                "looking_for_text": data.get("looking_for_text", ""),
            }
        )


class JoinForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why would you like to join?"),
        max_length=MAX_MOTIVATION_LENGTH,
        required=False,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few words for the leads: who you are and what you would bring."),
    )


class DecisionForm(forms.Form):
    """A lead's answer to a request: approve or decline, with an optional message."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    message = forms.CharField(
        label=_("Message (optional)"),
        max_length=MAX_MESSAGE_LENGTH,
        required=False,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    """The invitee's answer, or the asker withdrawing their request."""

    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline")), ("withdraw", _("Withdraw"))]
    )


class TeamMemberForm(forms.Form):
    """A lead's change to someone on the team."""

    action = forms.ChoiceField(
        choices=[
            ("make_lead", _("Make lead")),
            ("make_member", _("Make team member")),
            ("remove", _("Remove from the team")),
        ]
    )


class LeaveForm(forms.Form):
    """Leaving a team; the last lead names who takes over."""

    new_lead = forms.ChoiceField(label=_("Who takes over as lead?"), required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {m.member.username: m.member for m in candidates}
        self.fields["new_lead"].choices = [
            ("", "—"),
            *((username, str(member)) for username, member in self.candidates.items()),
        ]

    def clean_new_lead(self):
        username = self.cleaned_data.get("new_lead")
        return self.candidates.get(username) if username else None


class InviteForm(forms.Form):
    member = forms.SlugField(max_length=40)
    message = forms.CharField(
        label=_("Message (optional)"),
        max_length=MAX_MESSAGE_LENGTH,
        required=False,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InviteSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=100, required=False)


class UpdateForm(ImageFieldMixin, forms.Form):
    text = forms.CharField(
        label=_("Your update"),
        max_length=MAX_UPDATE_LENGTH,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, what is next, what you need. Markdown works."),
    )
    image = forms.FileField(
        label=_("Image (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_image(self):
        return self._clean_upload(self.user)


class HideForm(forms.Form):
    hidden = forms.BooleanField(required=False)


class ModerateForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("feature", _("Feature")),
            ("unfeature", _("Stop featuring")),
            ("archive", _("Archive")),
        ]
    )


# The list's filters -----------------------------------------------------------------------


def _with_blank(choices, blank_label):
    return [("", blank_label), *choices]


class ProjectFilterForm(DropDownFilters, forms.Form):
    """Search, filters and sort of /projects/, read from the GET query string.

    Every field is optional; an invalid value only switches that filter off
    (with a message on the field), the list still shows.
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=_with_blank(Sector.choices, _("All sectors"))
    )
    transition = forms.ChoiceField(
        label=_("Transition"),
        required=False,
        choices=_with_blank(Transition.choices, _("All transitions")),
    )
    activity = forms.ChoiceField(
        label=_("Core activity"),
        required=False,
        choices=_with_blank(CoreActivity.choices, _("All core activities")),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_with_blank(Project.Status.choices, _("All but archived")),
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=list(SORTS.items()))
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    mine = forms.BooleanField(label=_("Looking for my sector"), required=False)

    FILTERS = ("q", "sector", "transition", "activity", "status", "tag", "mine", "sort")
    # The drop-downs, in the form's order, with their column classes.
    SELECTS = (
        ("sector", "col-6 col-md-4"),
        ("transition", "col-6 col-md-4"),
        ("activity", "col-6 col-md-4"),
        ("status", "col-6 col-md-4"),
        ("sort", "col-6 col-md-4"),
    )

    def clean_tag(self) -> str:
        tag = normalise_tag(self.cleaned_data.get("tag", ""))
        validate_plain_text(tag)
        return tag

    def filters(self) -> dict:
        """Keyword arguments for ``projects.queries.project_list``; invalid fields left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "sector": data.get("sector", ""),
            "transition": data.get("transition", ""),
            "activity": data.get("activity", ""),
            "status": data.get("status", ""),
            "tag": data.get("tag", ""),
            "for_my_sector": data.get("mine", False),
            "sort": data.get("sort", DEFAULT_SORT),
        }

    def active_params(self) -> dict[str, str]:
        """The valid, non-empty filters as query-string values (for page links)."""
        self.is_valid()
        params = {}
        for name in self.FILTERS:
            value = self.cleaned_data.get(name)
            if value is True:
                params[name] = "1"
            elif value and not (name == "sort" and value == DEFAULT_SORT):
                params[name] = value
        return params

    @property
    def filter_count(self) -> int:
        """How many filters (not the search, not the order) are set, for "Filters (2)"."""
        return len(set(self.active_params()) - {"q", "sort"})
