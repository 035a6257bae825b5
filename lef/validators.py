"""Validators for text people type that others will read."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Characters that change how the surrounding text is displayed: the Arabic
# letter mark (U+061C), the left-to-right and right-to-left marks (U+200E,
# U+200F), and bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069) can make a name read differently from what it is
# ("Trojan Source").
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def invisible_characters(text: str, *, multiline: bool = False) -> list[str]:
    """The control and direction characters in ``text`` (none for ordinary text).

    Unicode's "Cc" (C0 and C1 controls: NUL, escape, tab, line breaks, ...) and
    the bidirectional controls are refused; other formatting characters such as
    the zero-width joiner stay allowed, since some scripts and emoji need them.
    With ``multiline`` a line may end in LF or CR LF (what browsers send from a
    textarea); a bare CR or a tab is still refused.
    """
    if multiline:
        text = text.replace("\r\n", "\n")
    return [
        char
        for char in text
        if (unicodedata.category(char) == "Cc" and not (multiline and char == "\n"))
        or char in BIDI_CONTROLS
    ]


@deconstructible
class PlainTextValidator:
    """Text without control or direction-changing characters: one line, or lines."""

    message = _("Use letters, digits and punctuation only, without control characters.")
    multiline_message = _(
        "Use letters, digits, punctuation and line breaks only, without control characters."
    )
    code = "control_characters"

    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value) -> None:
        if isinstance(value, str) and invisible_characters(value, multiline=self.multiline):
            message = self.multiline_message if self.multiline else self.message
            raise ValidationError(message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, PlainTextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((self.code, self.multiline))


# Names, titles, purposes: one line.
validate_plain_text = PlainTextValidator()
# Bios, descriptions, notes, messages: lines, nothing else.
validate_multiline_text = PlainTextValidator(multiline=True)
