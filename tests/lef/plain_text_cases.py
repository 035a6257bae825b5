"""Texts that free-text inputs must refuse or accept, shared by every app's tests."""

SINGLE_LINE_MESSAGE = "Use letters, digits and punctuation only, without control characters."
MULTI_LINE_MESSAGE = (
    "Use letters, digits, punctuation and line breaks only, without control characters."
)

# A name or sentence a member really types: accents, a diaeresis and emoji.
DUTCH = "Café De Zwaan: één overleg met Anaïs en Loïs \U0001f389\U0001f6b2"
DUTCH_LINES = "Eerste regel van Anaïs \U0001f389\r\nTweede régel\nDerde"

# Refused everywhere: a right-to-left override, an escape, other direction marks.
REFUSED_EVERYWHERE = [
    "Overleg \u202eteam",
    "Overleg \x1bteam",
    "Overleg \u200fteam",
    "Overleg \u061cteam",
    "Overleg \u2066team\u2069",
    "Overleg \x85team",  # C1 control (next line)
]
# Refused on one line only: line breaks.
LINE_BREAKS = ["Overleg\r\nteam", "Overleg\nteam", "Overleg\rteam"]
# Refused in multi-line text too: a bare CR and a tab are not line breaks.
NOT_LINE_BREAKS = ["Overleg\rteam", "Overleg\tteam"]

SINGLE_LINE_REFUSED = REFUSED_EVERYWHERE + LINE_BREAKS
MULTI_LINE_REFUSED = REFUSED_EVERYWHERE + NOT_LINE_BREAKS


def field_tests(single_line_fields, multi_line_fields):
    """The four tests every app runs on its form fields, for its own lists of
    ``(form class, field name)``: bind them to ``test_`` names in the app's module."""
    import pytest  # noqa: PLC0415 -- only for the tests this builds
    from django.core.exceptions import ValidationError  # noqa: PLC0415

    @pytest.mark.parametrize(("form", "field"), single_line_fields)
    @pytest.mark.parametrize("text", SINGLE_LINE_REFUSED)
    def single_line_refuses(form, field, text):
        with pytest.raises(ValidationError) as error:
            form.base_fields[field].clean(text)
        assert error.value.messages == [SINGLE_LINE_MESSAGE]

    @pytest.mark.parametrize(("form", "field"), multi_line_fields)
    @pytest.mark.parametrize("text", MULTI_LINE_REFUSED)
    def multi_line_refuses(form, field, text):
        with pytest.raises(ValidationError) as error:
            form.base_fields[field].clean(text)
        assert error.value.messages == [MULTI_LINE_MESSAGE]

    @pytest.mark.parametrize(("form", "field"), single_line_fields)
    def single_line_accepts(form, field):
        assert form.base_fields[field].clean(DUTCH) == DUTCH

    @pytest.mark.parametrize(("form", "field"), multi_line_fields)
    def multi_line_accepts(form, field):
        assert form.base_fields[field].clean(DUTCH_LINES) == DUTCH_LINES

    return single_line_refuses, multi_line_refuses, single_line_accepts, multi_line_accepts
