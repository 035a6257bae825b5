// Strings of the Django admin's own scripts that Django 6.1's Dutch catalogue leaves
// untranslated: the note under every date and time field when the browser's time zone
// is not Amsterdam's ("Note: Enter times in the Europe/Amsterdam timezone."), and the
// calendar's and clock's labels. This file is never loaded; it names the strings for
// `make messages`, so that our djangojs catalogue keeps them, and the admin's script
// catalogue, which reads LOCALE_PATHS after Django's own, shows them in Dutch.
// The strings of Django's admin templates are in lef/admin.py (DJANGO_CATALOGUE_GAPS).
/* global gettext, ngettext */
"use strict";

export const DJANGO_ADMIN_SCRIPT_STRINGS = () => [
    gettext("server"),
    ngettext(
        "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour ahead.)",
        "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hours ahead.)",
        1
    ),
    ngettext(
        "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour behind.)",
        "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hours behind.)",
        1
    ),
    gettext("Today (%(date)s)"),
    gettext("Yesterday (%(date)s)"),
    gettext("Tomorrow (%(date)s)"),
    gettext("Previous (%(month)s %(year)s)"),
    gettext("Next (%(month)s %(year)s)"),
    gettext("%(month)s %(day)s, %(year)s"),
    gettext("%s (today, current selection)"),
    gettext("%s (today)"),
    gettext("%s (current selection)"),
];
