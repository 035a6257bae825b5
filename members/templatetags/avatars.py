"""``{% avatar profile size %}``: a member's photo, or their initials in a circle.

    {% load avatars %}
    {% avatar member.profile 64 %}                  alt text is the member's name
    {% avatar member.profile 32 name_shown=True %}  decorative: the name is beside it

Takes a ``Profile`` or a ``User`` (``None`` gives a neutral placeholder). Lists
should fetch profiles with ``select_related("user")``: the name comes from the
user. The tag reads no files.
"""

from dataclasses import dataclass

from django import template

from members.avatars import avatar_url, stored_size_for
from members.models import Profile, User

register = template.Library()

# Display sizes in CSS pixels; each has a class in static/css/avatars.css, so
# the placeholder needs no inline style (our CSP forbids it).
DISPLAY_SIZES = (24, 32, 40, 48, 64, 80, 96, 128, 160, 200)


@dataclass(frozen=True, slots=True)
class Avatar:
    """What templates/members/includes/avatar.html shows for one member at one size."""

    size: int
    src: str | None
    src_2x: str | None
    label: str  # the img's alt text; empty when the name is written beside it
    initials: str


def avatar_for(member: Profile | User | None, size: int, *, name_shown: bool = False) -> Avatar:
    """A member's avatar at ``size`` CSS pixels (one of DISPLAY_SIZES), as plain data.

    For the ``avatar`` tag, and for lists that render the same markup inline in
    their loop (a tag per row costs more than the row's other markup).
    """
    profile = member.profile if isinstance(member, User) else member
    if profile is None:
        return _avatar(size, stem="", label="", initials_of="")
    user = profile.user
    return _avatar(
        size,
        stem=profile.avatar,
        label="" if name_shown else str(user),
        initials_of=user.name or user.username,
    )


def card_avatar(*, stem: str, name: str, username: str, size: int) -> Avatar:
    """:func:`avatar_for` with ``name_shown``, from a row's avatar stem and user's names."""
    return _avatar(size, stem=stem, label="", initials_of=name or username)


def _avatar(size, *, stem: str, label: str, initials_of: str) -> Avatar:
    size = int(size)
    if size not in DISPLAY_SIZES:
        raise ValueError(f"avatar size {size} is not one of {DISPLAY_SIZES}")
    src = avatar_url(stem, size)
    src_2x = None
    if src and stored_size_for(2 * size) != stored_size_for(size):
        src_2x = avatar_url(stem, 2 * size)
    return Avatar(
        size=size,
        src=src,
        src_2x=src_2x,
        label=label,
        initials=initials(initials_of),
    )


@register.inclusion_tag("members/includes/avatar.html")
def avatar(member: Profile | User | None, size: int, *, name_shown: bool = False) -> dict:
    """Render a member's avatar at ``size`` CSS pixels (one of DISPLAY_SIZES).

    With ``name_shown`` the image is decorative (empty alt, hidden from screen
    readers) because the member's name is already written beside it.
    """
    return {"avatar": avatar_for(member, size, name_shown=name_shown)}


def initials(name: str) -> str:
    """Up to two capitals: of the first and last word ("Jan van der Berg" → "JB").

    Dutch clitics such as 't and 's are skipped ("Jan 't Hart" → "JH"), and so
    is leading punctuation ("(Anne)" → "A").
    """
    words = [word for word in name.split() if not word.startswith(("'", "\u2019"))]
    letters = [
        letter
        for letter in (next((char for char in word if char.isalnum()), "") for word in words)
        if letter
    ]
    if not letters:
        return ""
    picked = letters[0] if len(letters) == 1 else letters[0] + letters[-1]
    return picked.upper()
