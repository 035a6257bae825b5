"""What a result says about itself to people and machines: licence, citation, JSON-LD, Dublin Core.

One place for the mapping, so the page's citation and schema.org data and the
OAI-PMH records say the same things: the permanent address, the licence's
address, the agreed authors, the year.
"""

import json
from collections.abc import Sequence

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from knowledge.models import Result
from lef.choices import CoreActivity, Sector, Transition

PUBLISHER = "'t LEF"
# The results are written in Dutch unless they say otherwise (the model has no
# language of its own yet).
LANGUAGE = "nl"

# Creative Commons licences: the legal code's address (for metadata) and the
# deed's (for people, in their language).
_CC_PATHS = {
    Result.Licence.CC_BY: "licenses/by/4.0/",
    Result.Licence.CC_BY_SA: "licenses/by-sa/4.0/",
    Result.Licence.CC_BY_NC: "licenses/by-nc/4.0/",
    Result.Licence.CC_BY_NC_SA: "licenses/by-nc-sa/4.0/",
    Result.Licence.CC0: "publicdomain/zero/1.0/",
}
_CC = "https://creativecommons.org/"
# Short names for badges; the long name (the choice's label) is beside them.
LICENCE_SHORT = {
    Result.Licence.CC_BY: "CC BY",
    Result.Licence.CC_BY_SA: "CC BY-SA",
    Result.Licence.CC_BY_NC: "CC BY-NC",
    Result.Licence.CC_BY_NC_SA: "CC BY-NC-SA",
    Result.Licence.CC0: "CC0",
}

# The checked file types (lef.documents) as media types, for Dublin Core and JSON-LD.
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "webp": "image/webp",
}

# schema.org types: material to learn or teach with is a LearningResource.
_SCHEMA_TYPES = {
    Result.Kind.LESSON_MATERIAL: "LearningResource",
    Result.Kind.TOOL: "LearningResource",
    Result.Kind.RESEARCH: "ScholarlyArticle",
    Result.Kind.REPORT: "CreativeWork",
}
# Dublin Core types (the DCMI Type Vocabulary).
DC_TYPES = {
    Result.Kind.LESSON_MATERIAL: "InteractiveResource",
    Result.Kind.TOOL: "Software",
    Result.Kind.RESEARCH: "Text",
    Result.Kind.REPORT: "Text",
}

_SECTOR_LABELS = dict(Sector.choices)
_TRANSITION_LABELS = dict(Transition.choices)
_ACTIVITY_LABELS = dict(CoreActivity.choices)


def labels(choices, codes) -> list[str]:
    """The labels of ``codes`` of a TextChoices class, unknown codes left out."""
    names = dict(choices.choices)
    return [str(names[code]) for code in codes if code in names]


def licence_url(licence: str) -> str:
    """The licence's legal address ("" for all rights reserved)."""
    path = _CC_PATHS.get(licence)
    return f"{_CC}{path}" if path else ""


def licence_deed_url(licence: str, language: str | None = None) -> str:
    """The licence's deed for people, in ``language`` (the page's) when Creative Commons has it."""
    path = _CC_PATHS.get(licence)
    if not path:
        return ""
    language = (language or get_language() or "en")[:2]
    return f"{_CC}{path}deed.{language}"


def permanent_url(result: Result) -> str:
    """The result's address on the public site (LEF_SITE_URL), which never changes."""
    return f"{settings.LEF_SITE_URL}{result.get_absolute_url()}"


def year_of(result: Result) -> int:
    return timezone.localtime(result.created_at).year


def author_names(authors: Sequence) -> list[str]:
    """The agreed authors' names, "a former member" for one whose account is gone."""
    return [author.name or gettext("a former member") for author in authors]


def citation(result: Result, authors: Sequence) -> str:
    """An APA-like reference: authors (year). Title. 't LEF. Permanent address.

    Names as the members write them (APA's "Surname, I." would mangle Dutch
    names with "van" or "de"); the project is the author when nobody is named.
    """
    names = author_names(authors)
    if not names:
        who = result.project.title
    elif len(names) == 1:
        who = names[0]
    else:
        who = f"{', '.join(names[:-1])} & {names[-1]}"
    title = result.title.rstrip(".")
    return f"{who} ({year_of(result)}). {title}. {PUBLISHER}. {permanent_url(result)}"


def json_ld(result: Result, authors: Sequence) -> dict:
    """schema.org metadata of a result, for its page (see :func:`json_ld_script`)."""
    url = permanent_url(result)
    data = {
        "@context": "https://schema.org",
        "@type": _SCHEMA_TYPES.get(result.kind, "CreativeWork"),
        "@id": url,
        "url": url,
        "name": result.title,
        "description": result.summary,
        "dateCreated": timezone.localtime(result.created_at).date().isoformat(),
        "inLanguage": LANGUAGE,
        "publisher": {"@type": "Organization", "name": PUBLISHER, "url": settings.LEF_SITE_URL},
        # isPartOf takes a CreativeWork: the project as the work its results belong to.
        "isPartOf": {
            "@type": "CreativeWork",
            "name": result.project.title,
            "url": f"{settings.LEF_SITE_URL}{result.project.get_absolute_url()}",
        },
    }
    names = author_names(authors)
    if names:
        data["author"] = [{"@type": "Person", "name": name} for name in names]
    if licence := licence_url(result.licence):
        data["license"] = licence
    if result.sectors:
        data["educationalLevel"] = [str(_SECTOR_LABELS[code]) for code in result.sectors]
    keywords = [str(_TRANSITION_LABELS[code]) for code in result.transitions] + [
        str(_ACTIVITY_LABELS[code]) for code in result.core_activities
    ]
    if keywords:
        data["keywords"] = keywords
    if result.file_type:
        data["encodingFormat"] = MEDIA_TYPES.get(result.file_type, result.file_type)
    return data


# As django.utils.html.json_script escapes: the JSON can never close the
# <script> element or open a comment, whatever a title says.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> SafeString:
    """``data`` as a ``<script type="application/ld+json">`` data block.

    A data block is never run, so the Content Security Policy does not apply
    to it; <, > and & are written as JSON escapes, so its text cannot end the
    element.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    text = text.translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 -- escaped above


def subjects(result: Result) -> list[str]:
    """Dublin Core subjects: the sectors, transitions, core activities and the project's tags."""
    return (
        [str(_SECTOR_LABELS[code]) for code in result.sectors]
        + [str(_TRANSITION_LABELS[code]) for code in result.transitions]
        + [str(_ACTIVITY_LABELS[code]) for code in result.core_activities]
        + list(result.project.tags)
    )
