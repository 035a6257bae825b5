"""The Dutch and English catalogues are complete, consistent and up to date with the code."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# %(name)s / %(count)d, %s / %d, %% and {name} placeholders, and HTML tags.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif%]|\{[^{}\s]*\}|</?[a-zA-Z][^<>]*>")

# {% translate "..." %} and {% trans '...' %} with a literal, optionally "noop" or "as var";
# strings with a context or a filter are left out.
TRANSLATE_LITERAL = re.compile(
    r"""\{%-?\s*(?:translate|trans)\s+(?P<q>["'])(?P<text>(?:(?!(?P=q)).)*)(?P=q)"""
    r"""(?:\s+noop)?(?:\s+as\s+\w+)?\s*-?%\}"""
)


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def translation_pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) for each form: msgstr[0] against the singular, the rest plural."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    return [
        (entry.msgid if index == 0 else entry.msgid_plural, text)
        for index, text in sorted(entry.msgstr_plural.items())
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header_names_language_plural_forms_and_charset(language):
    po = catalogue(language)

    assert po.metadata["Language"] == language
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_entries(language):
    po = catalogue(language)

    assert len(po) > 0
    assert [entry.msgid for entry in po.untranslated_entries()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_plural_entries_fill_both_forms(language):
    incomplete = [
        entry.msgid
        for entry in catalogue(language)
        if entry.msgid_plural
        and (sorted(entry.msgstr_plural) != [0, 1] or not all(entry.msgstr_plural.values()))
    ]

    assert incomplete == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_fuzzy_entries(language):
    assert [entry.msgid for entry in catalogue(language).fuzzy_entries()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_obsolete_entries(language):
    assert [entry.msgid for entry in catalogue(language).obsolete_entries()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_translations_keep_the_placeholders(language):
    mismatches = [
        (source, text)
        for entry in catalogue(language)
        for source, text in translation_pairs(entry)
        if placeholders(source) != placeholders(text)
    ]

    assert mismatches == []


def test_english_catalogue_repeats_the_source_text():
    changed = [
        (source, text)
        for entry in catalogue("en")
        for source, text in translation_pairs(entry)
        if source != text
    ]

    assert changed == []


def test_placeholders_finds_every_kind():
    text = 'Hi %(name)s, %s of %d: 5%% {count} <a href="x">link</a>'

    assert placeholders(text) == {
        "%(name)s",
        "%s",
        "%d",
        "%%",
        "{count}",
        '<a href="x">',
        "</a>",
    }


def test_every_translate_literal_in_the_templates_is_in_the_dutch_catalogue():
    """Run `make messages` and translate the new strings when this fails."""
    msgids = {entry.msgid for entry in catalogue("nl") if not entry.msgctxt}
    literals = {
        (path.relative_to(TEMPLATES_DIR).as_posix(), match["text"])
        for path in TEMPLATES_DIR.rglob("*")
        if path.suffix in {".html", ".txt"}
        for match in TRANSLATE_LITERAL.finditer(path.read_text(encoding="utf-8"))
    }

    assert len(literals) > 100
    assert sorted(item for item in literals if item[1] not in msgids) == []


def test_translate_literal_pattern_reads_quotes_noop_and_as_but_not_context():
    template = (
        "{% translate \"Log in\" %} {% trans 'Main navigation' %} "
        '{% translate "Projects" as label %} {% translate "Later" noop %} '
        '{% translate "May" context "month" %} {% translate title %}'
    )

    assert [match["text"] for match in TRANSLATE_LITERAL.finditer(template)] == [
        "Log in",
        "Main navigation",
        "Projects",
        "Later",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    """Run `make translations` (or `manage.py compiletranslations`) when this fails."""
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists()

    def messages(entries):
        return {
            (entry.msgctxt, entry.msgid): entry.msgstr_plural or entry.msgstr
            for entry in entries
            if entry.msgid
        }

    po = polib.pofile(str(po_path))
    assert messages(polib.mofile(str(mo_path))) == messages(po.translated_entries())


@pytest.mark.django_db
def test_home_in_dutch_by_default(client):
    html = client.get("/").content.decode()

    assert "Account maken" in html
    assert "Komende meetups" in html
    assert "Nieuwste projecten" in html
    assert "Upcoming meetups" not in html
    assert "Newest projects" not in html


@pytest.mark.django_db
def test_home_in_english_for_an_english_browser(client):
    html = client.get("/", headers={"accept-language": "en"}).content.decode()

    assert "Sign up" in html
    assert "Upcoming meetups" in html
    assert "Newest projects" in html
    assert "Account maken" not in html
    assert "Komende meetups" not in html
