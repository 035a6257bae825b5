"""Usernames for profile URLs: a slug derived from the member's name."""

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from lef.slugs import free_slug

MAX_LENGTH = 40
# Path segments under /members/ that are not profiles.
RESERVED = frozenset({"me", "expertise", "new", "edit", "welcome", "admin", "api"})


def validate_username_available(value: str) -> None:
    """Refuse the path segments under /members/ that are not profiles ("me", "edit", ...).

    A validator on ``User.username``, so the profile form and the admin both apply it.
    """
    if str(value).lower() in RESERVED:
        raise ValidationError(
            _("This username is not available. Please choose another."), code="reserved"
        )


def username_base(name: str, email: str = "") -> str:
    base = slugify(name) or slugify(email.partition("@")[0]) or "lid"
    # Room for a "-N" suffix when the name is taken.
    return base[: MAX_LENGTH - 4].strip("-") or "lid"


def unique_username(name: str, email: str = "", *, exclude_pk: int | None = None) -> str:
    """Return a free username derived from ``name`` (``jan-de-vries``, ``-2``, ...).

    The unique constraint on the column is what really guarantees uniqueness; this
    only picks a candidate that is free right now.
    """
    from members.models import User  # noqa: PLC0415 -- avoids a cycle with models

    return free_slug(
        User.objects.exclude(pk=exclude_pk),
        username_base(name, email),
        field="username",
        reserved=RESERVED,
    )
