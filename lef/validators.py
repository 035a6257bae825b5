"""Validators for text people type that others will read."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Characters that change how the surrounding text is displayed: bidirectional
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) can make a
# name read differently from what it is ("Trojan Source").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def invisible_characters(text: str) -> list[str]:
    """The control and formatting characters in ``text`` (none for ordinary text).

    Unicode's "Cc" (control: NUL, escape, newlines, ...) and the bidirectional
    controls are refused; other formatting characters such as the zero-width
    joiner stay allowed, since some scripts and emoji need them.
    """
    return [char for char in text if unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS]


@deconstructible
class PlainTextValidator:
    """One line of text without control or direction-changing characters."""

    message = _("Use letters, digits and punctuation only, without control characters.")
    code = "control_characters"

    def __call__(self, value) -> None:
        if isinstance(value, str) and invisible_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, PlainTextValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_plain_text = PlainTextValidator()
