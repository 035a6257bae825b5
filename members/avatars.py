"""Member avatars: the member's words for :mod:`lef.images`, with the avatar's sizes.

An avatar is stored like every image (``lef.images``): ``Profile.avatar`` holds
a random stem that is new for every upload, each size is a WebP file beside it,
the files are written only once the transaction that accepted the upload
commits, and a replaced or removed avatar's files are deleted once that
commits. The sizes are ``members.models.AVATARS``.
"""

from lef.images import CleanImage, remove_image, store_after_commit
from lef.ratelimit import RateLimit
from members.models import AVATARS, Profile

AVATAR_SIZES = AVATARS.sizes
AVATAR_MAX_PIXELS = AVATARS.max_pixels
# Each upload is decoded and re-encoded; a member changes their photo rarely.
AVATAR_UPLOADS = RateLimit("avatar-upload", limit=10, window=60 * 60)

# An upload that passed every check, re-encoded in every avatar size.
ProcessedAvatar = CleanImage


def clean_avatar(uploaded_file) -> CleanImage:
    """Check and re-encode an uploaded avatar; for a form's ``clean_avatar``.

    Raises ``ValidationError`` with a message for the member (and the
    rejection's code: ``empty``, ``too_large``, ``unsupported_format``,
    ``too_many_pixels`` or ``unreadable``) for anything that is not a JPEG, PNG
    or WebP image within the limits.
    """
    return AVATARS.clean(uploaded_file)


def store_avatar(*, profile: Profile, processed: CleanImage) -> None:
    """Make ``processed`` the profile's avatar once the current transaction commits.

    :func:`lef.images.store_after_commit`: the files are written after the
    commit, then the profile is pointed at them with its row locked, and the
    previous avatar's files are deleted. A rollback writes nothing.
    """
    store_after_commit(instance=profile, field="avatar", image=processed)


def delete_avatar(*, profile: Profile) -> None:
    """Remove the profile's avatar: clear the field, and delete its files on commit.

    Used by "remove my photo", the admin and account deletion. Does nothing
    when the profile has no avatar.
    """
    remove_image(instance=profile, field="avatar")


def avatar_url(profile_or_stem: Profile | str | None, size: int) -> str | None:
    """The address of the stored size that shows well at ``size`` pixels, or None.

    Picks the smallest stored size at least ``size`` wide (the largest one if
    none is), so a template can ask for the size it displays. Reads no files
    and runs no queries.
    """
    stem = profile_or_stem.avatar if isinstance(profile_or_stem, Profile) else profile_or_stem
    return AVATARS.url(stem, size)


def stored_size_for(size: int) -> int:
    """The smallest stored avatar size at least ``size`` pixels wide, else the largest."""
    return AVATARS.size_for(size)
