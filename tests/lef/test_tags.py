"""Tags (lef/tags.py): one normalisation and one set of limits for every write path."""

import pytest
from django.core.exceptions import ValidationError

from lef.tags import MAX_TAGS, TagsFormField, normalise_tag, normalise_tags, validate_tags


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["  Rekenen ", "rekenen", "REKENEN"], ["rekenen"]),
        (["Praktijk   \t Onderzoek"], ["praktijk onderzoek"]),
        (["#taal", "", "  ", "taal"], ["taal"]),
        (["b", "a", "b"], ["b", "a"]),
        ([], []),
    ],
)
def test_normalise_tags(raw, expected):
    assert normalise_tags(raw) == expected


def test_normalise_tag_keeps_accents():
    assert normalise_tag(" Loopbaan  Oriëntatie ") == "loopbaan oriëntatie"


def test_form_field_reads_comma_separated_text():
    field = TagsFormField(required=False)

    assert field.clean(" Rekenen, #taal ,, rekenen") == ["rekenen", "taal"]


@pytest.mark.parametrize(
    ("tags", "code"),
    [
        ([f"tag {n}" for n in range(MAX_TAGS + 1)], "too_many"),
        (["x" * 51], "too_long"),
        (["reken\x00en"], "control_characters"),
        (["rekenen\u202e"], "control_characters"),
    ],
)
def test_validate_tags_refuses(tags, code):
    with pytest.raises(ValidationError) as caught:
        validate_tags(normalise_tags(tags))

    assert caught.value.code == code


def test_validate_tags_accepts_the_limit():
    validate_tags([f"tag {n}" for n in range(MAX_TAGS)])
