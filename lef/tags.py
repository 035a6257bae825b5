"""Tags people type (expertise of a member, topics of a project): one rule for all.

A tag is stored lower case, without a leading '#', with single inner spaces,
at most :data:`MAX_TAG_LENGTH` characters and without control characters; a
list holds at most ``max_tags`` distinct tags, in the order typed.

:class:`TagsField` is the model field. It normalises what it saves, whatever
the write path (a form, a service, the admin, ``QuerySet.update()``), and
validates the count, length and characters in ``full_clean`` and so in every
ModelForm, the admin's included. Its form field is :class:`TagsFormField`: one
text input with comma-separated tags.
"""

from collections.abc import Iterable

from django import forms
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from lef.validators import invisible_characters

MAX_TAG_LENGTH = 50
MAX_TAGS = 15


def normalise_tag(tag: str) -> str:
    """One tag as stored: lower case, no leading '#', single inner spaces."""
    return " ".join(str(tag).strip().lstrip("#").split()).lower()


def normalise_tags(tags: Iterable[str]) -> list[str]:
    """Tags normalised with :func:`normalise_tag`, empty ones and repeats dropped, in order."""
    return list(dict.fromkeys(t for t in (normalise_tag(tag) for tag in tags) if t))


def split_tags(text: str) -> list[str]:
    """Comma-separated tags as typed in one text input, normalised."""
    return normalise_tags((text or "").split(","))


def validate_tags(tags: list[str], *, max_tags: int = MAX_TAGS) -> None:
    """Raise ValidationError unless ``tags`` (normalised) are few, short and plain enough."""
    if len(tags) > max_tags:
        raise ValidationError(
            _("Choose at most %(max)d tags; you gave %(count)d."),
            code="too_many",
            params={"max": max_tags, "count": len(tags)},
        )
    too_long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
    if too_long:
        raise ValidationError(
            _("A tag can be at most %(max)d characters long: “%(tag)s” is longer."),
            code="too_long",
            params={"max": MAX_TAG_LENGTH, "tag": too_long[0][:60]},
        )
    if any(invisible_characters(tag) for tag in tags):
        raise ValidationError(
            _("Tags can only hold letters, digits and punctuation."),
            code="control_characters",
        )


class TagsFormField(forms.Field):
    """Comma-separated tags in one text input; cleans to a normalised list."""

    widget = forms.TextInput

    def __init__(self, *, max_tags: int = MAX_TAGS, **kwargs):
        self.max_tags = max_tags
        kwargs.setdefault(
            "help_text",
            ngettext_lazy(
                "Separate tags with commas. At most %(max)d tag.",
                "Separate tags with commas. At most %(max)d tags.",
                "max",
            )
            % {"max": max_tags},
        )
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        if isinstance(value, list | tuple):
            return normalise_tags(value)
        return split_tags(value or "")

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        validate_tags(value, max_tags=self.max_tags)

    def has_changed(self, initial, data) -> bool:
        return self.to_python(initial or []) != self.to_python(data)


class TagsField(ArrayField):
    """An array of tags, normalised on save and validated by :func:`validate_tags`."""

    def __init__(self, *args, max_tags: int = MAX_TAGS, **kwargs):
        self.max_tags = max_tags
        kwargs.setdefault("base_field", models.CharField(max_length=MAX_TAG_LENGTH))
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_tags != MAX_TAGS:
            kwargs["max_tags"] = self.max_tags
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_tags(value) if isinstance(value, list) else value

    def get_prep_value(self, value):
        if isinstance(value, list | tuple):
            value = normalise_tags(value)
        return super().get_prep_value(value)

    def clean(self, value, model_instance):
        value = normalise_tags(value or [])
        validate_tags(value, max_tags=self.max_tags)
        # The base field's max_length would repeat the check above in worse words.
        return value

    def formfield(self, **kwargs):
        options = {
            "max_tags": self.max_tags,
            "required": not self.blank,
            "label": kwargs.get("label") or capfirst(self.verbose_name),
        }
        if self.help_text:
            options["help_text"] = self.help_text
        if "widget" in kwargs:
            options["widget"] = kwargs["widget"]
        return TagsFormField(**options)
