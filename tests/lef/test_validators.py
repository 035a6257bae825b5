"""lef.validators: one rule for the characters people may type in free text."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lef.validators import (
    PlainTextValidator,
    invisible_characters,
    validate_multiline_text,
    validate_plain_text,
)
from tests.lef.plain_text_cases import (
    DUTCH,
    DUTCH_LINES,
    MULTI_LINE_MESSAGE,
    MULTI_LINE_REFUSED,
    SINGLE_LINE_MESSAGE,
    SINGLE_LINE_REFUSED,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("text", SINGLE_LINE_REFUSED)
def test_validate_plain_text_refuses_control_and_direction_characters(text):
    with pytest.raises(ValidationError) as error:
        validate_plain_text(text)

    assert error.value.messages == [SINGLE_LINE_MESSAGE]
    assert error.value.code == "control_characters"


@pytest.mark.parametrize("text", MULTI_LINE_REFUSED)
def test_validate_multiline_text_refuses_control_characters_other_than_line_breaks(text):
    with pytest.raises(ValidationError) as error:
        validate_multiline_text(text)

    assert error.value.messages == [MULTI_LINE_MESSAGE]


def test_validate_plain_text_accepts_dutch_with_accents_and_emoji():
    assert validate_plain_text(DUTCH) is None


def test_validate_multiline_text_accepts_lines_ended_by_lf_or_crlf():
    assert validate_multiline_text(DUTCH_LINES) is None


def test_invisible_characters_lists_each_refused_character():
    assert invisible_characters("a\u200eb\u202ec\r\nd\te", multiline=True) == [
        "\u200e",
        "\u202e",
        "\t",
    ]


def test_plain_text_validators_deconstruct_for_migrations():
    assert validate_plain_text.deconstruct() == ("lef.validators.PlainTextValidator", (), {})
    assert validate_multiline_text.deconstruct() == (
        "lef.validators.PlainTextValidator",
        (),
        {"multiline": True},
    )
    assert validate_multiline_text == PlainTextValidator(multiline=True)
    assert validate_multiline_text != validate_plain_text
