"""The one base class of the platform's domain errors.

A service that cannot do what was asked raises a subclass of :class:`DomainError`
with a translated ``message`` fit to show the member, and an HTTP ``status`` the
view answers with when it shows that message (400 for input that breaks a rule,
403 for an action the member may not take, 409 when the state changed under
them, 429 for a rate limit, 503 for "busy, try again"). Views turn it into a
form error or a message with :func:`status_for`; admin actions show the message.
"""

from collections.abc import Mapping


class DomainError(Exception):
    """An action that cannot be done; ``message`` says why, in the member's language."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class Invalid(DomainError):  # noqa: N818 -- a domain outcome, like EventFull
    """Input that breaks a rule; ``errors`` holds the messages per field (may be empty)."""

    def __init__(self, message: str, errors: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.errors = dict(errors or {})

    def add_to(self, form) -> None:
        """Show the messages on ``form``: each at its field, or above the form when the
        form has no such field (or when there are none but the message)."""
        for name, messages in self.errors.items():
            target = name if name in form.fields else None
            for message in messages or [self.message]:
                form.add_error(target, message)
        if not self.errors:
            form.add_error(None, self.message)


class NotAllowed(DomainError):  # noqa: N818 -- a domain outcome, like EventFull
    """The member may not do this (a permission or a rule about who may act)."""

    status = 403


class Conflict(DomainError):  # noqa: N818
    """The state changed under the member (full, taken, already done)."""

    status = 409


class RateLimited(DomainError):  # noqa: N818
    """Too many attempts in a window; try again later."""

    status = 429


class Busy(DomainError):  # noqa: N818
    """A lock could not be taken quickly; the member may simply try again."""

    status = 503


def status_for(error: DomainError) -> int:
    """The status code a view answers with when it shows ``error``."""
    return error.status
