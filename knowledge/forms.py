"""Forms for publishing results: the shape of the input only; knowledge.services does the work."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.models import RESULT_FILES, SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH, Result
from knowledge.services import MAX_LEARNED_LENGTH, MAX_REASON_LENGTH, ResultDetails
from lef.choices import CoreActivity, Sector, Transition
from lef.documents import ACCEPT as DOCUMENT_ACCEPT
from lef.documents import MAX_BYTES
from lef.ratelimit import RateLimit
from lef.validators import validate_multiline_text, validate_plain_text
from members.models import User
from projects.models import Membership, Project

# Each upload is read and checked (a PDF in a child process): a ceiling per member.
DOCUMENT_UPLOADS = RateLimit("result-file-upload", limit=20, window=60 * 60)


def _checkboxes(label, choices, **kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, **kwargs
    )


class TeamMemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ResultForm(forms.Form):
    """Adding a result to a project and editing it: ``details()`` for the services."""

    title = forms.CharField(
        label=_("Title"), max_length=TITLE_MAX_LENGTH, validators=[validate_plain_text]
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX_LENGTH,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences: what it is and who it is for."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Result.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "A PDF, Word, PowerPoint or Excel file (.docx, .pptx, .xlsx), an OpenDocument "
            "file (.odt, .odp, .ods) or an image, of at most %(size)d MB."
        )
        % {"size": MAX_BYTES // (1024 * 1024)},
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    remove_file = forms.BooleanField(label=_("Remove the file"), required=False)
    link = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Where the result lives elsewhere, e.g. a website or a video."),
    )
    learned = forms.CharField(
        label=_("What we learned"),
        max_length=MAX_LEARNED_LENGTH,
        required=False,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What worked, what did not, what you would tell colleagues. Markdown works."),
    )
    sectors = _checkboxes(_("Sectors it serves"), Sector.choices)
    transitions = _checkboxes(_("Transitions it serves"), Transition.choices)
    core_activities = _checkboxes(_("Core activities"), CoreActivity.choices)
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=Result.Licence.choices,
        help_text=_("How others may use it. CC BY lets anyone reuse it if they name you."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Result.Visibility.choices, widget=forms.RadioSelect
    )
    authors = TeamMemberChoiceField(
        label=_("Authors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Team members you name; each is asked by mail and shown once they agree."),
    )

    def __init__(self, *args, user, project: Project, result: Result | None = None, **kwargs):
        self.user, self.project, self.result = user, project, result
        if result is not None:
            initial = {name: getattr(result, name) for name in ResultDetails.names()}
            initial["authors"] = [a.member_id for a in result.authors.all() if a.member_id]
        else:
            initial = {
                "visibility": project.visibility,
                "licence": Result.Licence.CC_BY,
                "sectors": list(project.sectors),
                "transitions": list(project.transitions),
                "core_activities": list(project.core_activities),
                "authors": [user.pk],
            }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["authors"].queryset = User.objects.filter(
            pk__in=Membership.objects.active().filter(project=project).values("member_id")
        ).order_by("name", "pk")
        if result is None or not result.file_name:
            del self.fields["remove_file"]
        if project.visibility != Project.Visibility.PUBLIC:
            self.fields["visibility"].help_text = _(
                "The project is for members only, so its results are too."
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        file_fields = ["file", "remove_file"] if "remove_file" in self.fields else ["file"]
        self.helper.layout = Layout(
            Fieldset(_("The result"), "title", "summary", "kind"),
            Fieldset(_("File, link and what you learned"), *file_fields, "link", "learned"),
            Fieldset(_("What it is about"), "sectors", "transitions", "core_activities"),
            Fieldset(_("Authors, licence and visibility"), "authors", "licence", "visibility"),
        )

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            return None
        if DOCUMENT_UPLOADS.exhausted(self.user.pk):
            raise forms.ValidationError(
                _("You uploaded many files in the last hour. Please try again later."),
                code="rate_limited",
            )
        DOCUMENT_UPLOADS.hit(self.user.pk)
        return RESULT_FILES.clean(uploaded)

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if (
            cleaned_data.get("visibility") == Result.Visibility.PUBLIC
            and self.project.visibility != Project.Visibility.PUBLIC
        ):
            self.add_error(
                "visibility",
                _(
                    "The project is for members only, so its results are too. "
                    "Choose “Members only”, or make the project public first."
                ),
            )
        has_file = bool(cleaned_data.get("file")) or (
            self.result is not None
            and bool(self.result.file_name)
            and not cleaned_data.get("remove_file")
        )
        if not self.errors and not (
            has_file or cleaned_data.get("link") or (cleaned_data.get("learned") or "").strip()
        ):
            raise forms.ValidationError(
                _("Add a file, a link or what you learned (or more than one).")
            )
        return cleaned_data

    def details(self) -> ResultDetails:
        data = self.cleaned_data
        return ResultDetails(**{name: data.get(name, "") for name in ResultDetails.names()})


class TeamPublishingForm(forms.Form):
    allowed = forms.BooleanField(label=_("Every team member may add results"), required=False)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this result?"),
        max_length=MAX_REASON_LENGTH,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A coordinator reads it and decides. The team does not see your name."),
    )


class AuthorshipForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("agree", _("Agree")), ("decline", _("Decline")), ("withdraw", _("Withdraw"))]
    )
