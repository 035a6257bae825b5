"""The new-project form of the projects app, started from a meetup (knowledge.origins).

The same fields and checks as /projects/new/, filled in from the meetup, and
below them the people who came, each with a box (all ticked), and the words
their invitation carries.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from events.models import Event
from knowledge.origins import Attendee, details_from
from lef.choices import Sector
from lef.templatetags.lef_tags import day_label
from lef.validators import validate_multiline_text
from projects.forms import ProjectForm
from projects.services import MAX_MESSAGE_LENGTH


def _name(person: Attendee) -> str:
    """The box's label: the name, and the sector in words (never a colour or code alone)."""
    if person.sector in Sector.values:
        return f"{person.member}, {Sector(person.sector).label}"
    return str(person.member)


class MeetupProjectForm(ProjectForm):
    """:class:`projects.forms.ProjectForm` with the meetup's details and its attendees."""

    invite = forms.TypedMultipleChoiceField(
        label=_("Invite the people who came"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "They get an invitation by email and decide themselves whether they join. "
            "Untick anyone you do not want to invite."
        ),
    )
    message = forms.CharField(
        label=_("A word with the invitation"),
        max_length=MAX_MESSAGE_LENGTH,
        required=False,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, user, event: Event, attendees: list[Attendee], **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.initial.update(details_from(event))
        if not self.initial["sectors"] and user.profile.primary_sector:
            self.initial["sectors"] = [user.profile.primary_sector]
        self.fields["invite"].choices = [(person.member.pk, _name(person)) for person in attendees]
        self.initial["invite"] = [person.member.pk for person in attendees]
        self.initial["message"] = gettext(
            "Good to see you at the meetup %(title)s on %(day)s. "
            "Shall we continue together in this project?"
        ) % {"title": event.title, "day": day_label(event.starts_at)}
        if not attendees:
            del self.fields["invite"]
            del self.fields["message"]
