"""Usernames for profile URLs: a slug derived from the member's name."""

from django.utils.text import slugify

MAX_LENGTH = 40
# Path segments under /members/ that are not profiles.
RESERVED = frozenset({"me", "expertise", "new", "edit", "welcome", "admin", "api"})


def username_base(name: str, email: str = "") -> str:
    base = slugify(name) or slugify(email.partition("@")[0]) or "lid"
    return base[:MAX_LENGTH].strip("-") or "lid"


def unique_username(name: str, email: str = "", *, exclude_pk: int | None = None) -> str:
    """Return a free username derived from ``name`` (``jan-de-vries``, ``-2``, ...).

    The unique constraint on the column is what really guarantees uniqueness; this
    only picks a candidate that is free right now.
    """
    from members.models import User  # noqa: PLC0415 -- avoids a cycle with models

    base = username_base(name, email)
    taken = set(
        User.objects.filter(username__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("username", flat=True)
    )
    if base not in taken and base not in RESERVED:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
