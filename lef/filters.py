"""What the lists' search-and-filter forms share (the projects list, the knowledge library).

A list's form is an ordinary GET form; :class:`DropDownFilters` gives it its
drop-downs in the order and widths of its ``SELECTS``, each with the value
chosen, for ``templates/includes/list_filters.html`` to draw.
"""

import functools
from dataclasses import dataclass

from django.forms import BoundField


@dataclass(frozen=True)
class SelectField:
    bound: BoundField
    chosen: str  # the valid value chosen, as text ("" when none or invalid)
    css: str  # the column classes of its place in the panel

    @property
    def options(self) -> list[tuple[str, str, bool]]:
        """(value, label, chosen) of each option, for the template to write as they are."""
        return [
            (value, label, str(value) == self.chosen) for value, label in self.bound.field.choices
        ]


class DropDownFilters:
    """Mixin for a filter form: ``SELECTS`` is ((field name, column classes), ...)."""

    SELECTS: tuple[tuple[str, str], ...] = ()

    @functools.cached_property
    def selects(self) -> list[SelectField]:
        """The drop-down filters in the form's order, each with its chosen value."""
        self.is_valid()
        return [
            SelectField(bound=self[name], chosen=str(self.cleaned_data.get(name) or ""), css=css)
            for name, css in self.SELECTS
        ]
