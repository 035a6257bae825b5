"""OAI-PMH 2.0 at /knowledge/oai: the public results in Dublin Core, for education repositories.

Verbs: Identify, ListMetadataFormats (oai_dc), ListSets (a set per type and
per sector: ``type:report``, ``sector:po``), ListIdentifiers, ListRecords and
GetRecord, with ``from``/``until`` (day or second granularity) and
resumption tokens; the protocol's errors (badVerb, badArgument,
cannotDisseminateFormat, idDoesNotExist, noRecordsMatch, badResumptionToken).

What is harvested is what a visitor may see: ``Result.objects.visible_to(None)``
(public results of public projects, not hidden). The repository keeps no
record of deletions (``deletedRecord`` "no"): a result that is hidden, made
members-only or removed simply drops out of the lists and GetRecord answers
idDoesNotExist, so a harvester that re-harvests in full drops it too. (A
"transient" tombstone would need a row kept per withdrawn result; nothing
else needs one.)

A record's datestamp is the later of the result's and its project's last
change (the project's title and visibility are part of what is harvested).
Pages are read by keyset (datestamp, id) from a signed resumption token, so
a page costs the same deep into a harvest. XML is built with ElementTree.
"""

import datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core import signing
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from knowledge import metadata
from knowledge.models import Result
from knowledge.queries import agreed_authors_of
from lef.choices import Sector

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
# The OAI namespace as the default one, as every repository writes it. (ElementTree's
# registry is global; nothing else on the site writes these namespaces.)
for _prefix, _uri in (("", OAI), ("oai_dc", OAI_DC), ("dc", DC), ("xsi", XSI)):
    ET.register_namespace(_prefix, _uri)

METADATA_PREFIX = "oai_dc"
DEFAULT_PAGE_SIZE = 100
TOKEN_SALT = "knowledge.oai.resumption"  # noqa: S105 -- a signing salt, not a secret
# Tokens last a day: a harvest takes minutes; an old one gets badResumptionToken.
TOKEN_MAX_AGE = 24 * 60 * 60

# Which arguments each verb takes: (required, optional); a resumption token is exclusive.
VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@csrf_exempt  # a harvester's POST carries no session and changes nothing
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint(request):
    """The one OAI-PMH address: every verb answers here, as XML."""
    args = request.POST if request.method == "POST" else request.GET
    root = ET.Element(f"{{{OAI}}}OAI-PMH")
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} {OAI_SCHEMA}")
    ET.SubElement(root, f"{{{OAI}}}responseDate").text = _stamp(timezone.now())
    request_element = ET.SubElement(root, f"{{{OAI}}}request")
    request_element.text = base_url()
    try:
        verb, params = _read_arguments(args)
        for name, value in params.items():
            request_element.set(name, value)
        request_element.set("verb", verb)
        with translation.override(settings.LANGUAGE_CODE):
            root.append(_ANSWERS[verb](params))
    except OAIError as error:
        if error.code in {"badVerb", "badArgument"}:
            request_element.attrib.clear()  # the protocol: no attributes then
        element = ET.SubElement(root, f"{{{OAI}}}error", code=error.code)
        element.text = error.message
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def base_url() -> str:
    return f"{settings.LEF_SITE_URL}/knowledge/oai"


def _read_arguments(args) -> tuple[str, dict[str, str]]:
    verbs = args.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OAIError("badVerb", "The verb is missing, repeated or not an OAI-PMH verb.")
    verb = verbs[0]
    required, optional = VERBS[verb]
    params = {}
    for name in args:
        if name == "verb":
            continue
        values = args.getlist(name)
        if name not in required | optional:
            raise OAIError("badArgument", f"{verb} takes no argument {name!r}.")
        if len(values) != 1:
            raise OAIError("badArgument", f"The argument {name!r} is repeated.")
        params[name] = values[0]
    if "resumptionToken" in params:
        if len(params) > 1:
            raise OAIError("badArgument", "A resumptionToken is the only argument besides verb.")
    elif missing := required - set(params):
        raise OAIError("badArgument", f"{verb} needs {', '.join(sorted(missing))}.")
    return verb, params


# Records ------------------------------------------------------------------------------------


def _harvested():
    """What is harvested, with each record's datestamp, in harvest order."""
    return (
        Result.objects.visible_to(None)
        .select_related("project")
        .defer("search_vector", "file_text", "project__search_vector", "project__description")
        .annotate(datestamp=Greatest(F("updated_at"), F("project__updated_at")))
        .order_by("datestamp", "pk")
    )


def identifier(result: Result) -> str:
    """``oai:<host>:result/<slug>``: the slug is the result's permanent address."""
    return f"oai:{_host()}:result/{result.slug}"


def _host() -> str:
    return urlsplit(settings.LEF_SITE_URL).hostname or "lef.localhost"


def _by_identifier(value: str) -> Result:
    prefix = f"oai:{_host()}:result/"
    slug = value[len(prefix) :] if value.startswith(prefix) else ""
    result = _harvested().filter(slug=slug).first() if slug else None
    if result is None:
        raise OAIError("idDoesNotExist", "No public result has this identifier.")
    return result


def _header(result: Result) -> ET.Element:
    header = ET.Element(f"{{{OAI}}}header")
    ET.SubElement(header, f"{{{OAI}}}identifier").text = identifier(result)
    ET.SubElement(header, f"{{{OAI}}}datestamp").text = _stamp(result.datestamp)
    for spec in _set_specs(result):
        ET.SubElement(header, f"{{{OAI}}}setSpec").text = spec
    return header


def _dublin_core(result: Result, authors) -> ET.Element:
    dc = ET.Element(f"{{{OAI_DC}}}dc")
    dc.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} {OAI_DC_SCHEMA}")

    def add(name: str, value: str) -> None:
        if value:
            ET.SubElement(dc, f"{{{DC}}}{name}").text = value

    add("title", result.title)
    for name in metadata.author_names(authors):
        add("creator", name)
    for subject in metadata.subjects(result):
        add("subject", subject)
    add("description", result.summary)
    add("publisher", metadata.PUBLISHER)
    add("date", timezone.localtime(result.created_at).date().isoformat())
    add("type", metadata.DC_TYPES.get(result.kind, "Text"))
    add("type", str(result.get_kind_display()))
    add("format", metadata.MEDIA_TYPES.get(result.file_type, result.file_type))
    add("identifier", metadata.permanent_url(result))
    add("relation", f"{settings.LEF_SITE_URL}{result.project.get_absolute_url()}")
    add("language", metadata.LANGUAGE)
    add("rights", metadata.licence_url(result.licence) or str(result.get_licence_display()))
    return dc


def _record(result: Result, authors) -> ET.Element:
    record = ET.Element(f"{{{OAI}}}record")
    record.append(_header(result))
    ET.SubElement(record, f"{{{OAI}}}metadata").append(_dublin_core(result, authors))
    return record


# Sets ---------------------------------------------------------------------------------------


def _sets() -> list[tuple[str, str]]:
    return [(f"type:{value}", str(label)) for value, label in Result.Kind.choices] + [
        (f"sector:{value}", str(label)) for value, label in Sector.choices
    ]


def _set_specs(result: Result) -> list[str]:
    return [f"type:{result.kind}", *(f"sector:{code}" for code in result.sectors)]


def _in_set(results, spec: str):
    kind, _, value = spec.partition(":")
    if kind == "type" and value in Result.Kind.values:
        return results.filter(kind=value)
    if kind == "sector" and value in Sector.values:
        return results.filter(sectors__contains=[value])
    raise OAIError("badArgument", f"There is no set {spec!r}.")


# Dates --------------------------------------------------------------------------------------


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_date(value: str, *, end: bool) -> tuple[datetime.datetime, str]:
    """A ``from``/``until`` value as a UTC moment and its granularity ("day" or "second").

    ``end``: the moment just after the day or second named (``until`` includes it).
    """
    for pattern, granularity, step in (
        ("%Y-%m-%d", "day", datetime.timedelta(days=1)),
        ("%Y-%m-%dT%H:%M:%SZ", "second", datetime.timedelta(seconds=1)),
    ):
        try:
            moment = datetime.datetime.strptime(value, pattern).replace(tzinfo=datetime.UTC)
        except ValueError:
            continue
        return (moment + step if end else moment), granularity
    raise OAIError("badArgument", f"{value!r} is not a date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ).")


# Lists and their resumption tokens ----------------------------------------------------------


def _page_size() -> int:
    return getattr(settings, "KNOWLEDGE_OAI_PAGE_SIZE", DEFAULT_PAGE_SIZE)


def _list_state(params: dict) -> dict:
    """The harvest's arguments and where it stands, from the request or its token."""
    if "resumptionToken" in params:
        try:
            state = signing.loads(
                params["resumptionToken"], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE
            )
        except signing.BadSignature as bad:
            raise OAIError(
                "badResumptionToken", "The resumptionToken is invalid or expired."
            ) from bad
        return state
    if params["metadataPrefix"] != METADATA_PREFIX:
        raise OAIError("cannotDisseminateFormat", "Only oai_dc is offered.")
    state = {"set": params.get("set", ""), "from": "", "until": "", "cursor": 0, "after": None}
    granularities = set()
    if "from" in params:
        moment, granularity = _parse_date(params["from"], end=False)
        state["from"] = moment.isoformat()
        granularities.add(granularity)
    if "until" in params:
        moment, granularity = _parse_date(params["until"], end=True)
        state["until"] = moment.isoformat()
        granularities.add(granularity)
    if len(granularities) > 1:
        raise OAIError("badArgument", "from and until must have the same granularity.")
    if state["from"] and state["until"] and state["from"] >= state["until"]:
        raise OAIError("badArgument", "from is later than until.")
    return state


def _listed(params: dict, *, with_records: bool) -> ET.Element:
    state = _list_state(params)
    results = _harvested()
    if state["set"]:
        results = _in_set(results, state["set"])
    if state["from"]:
        results = results.filter(datestamp__gte=datetime.datetime.fromisoformat(state["from"]))
    if state["until"]:
        results = results.filter(datestamp__lt=datetime.datetime.fromisoformat(state["until"]))
    total = results.count()
    if state["after"] is not None:
        stamp, pk = state["after"]
        moment = datetime.datetime.fromisoformat(stamp)
        results = results.filter(Q(datestamp__gt=moment) | Q(datestamp=moment, pk__gt=pk))
    size = _page_size()
    page = list(results[: size + 1])
    if not page:
        if "resumptionToken" in params:
            raise OAIError("badResumptionToken", "The resumptionToken is past the end.")
        raise OAIError("noRecordsMatch", "No public result matches these arguments.")
    more, page = len(page) > size, page[:size]
    verb = "ListRecords" if with_records else "ListIdentifiers"
    answer = ET.Element(f"{{{OAI}}}{verb}")
    if with_records:
        authors = agreed_authors_of([result.pk for result in page])
        for result in page:
            answer.append(_record(result, authors[result.pk]))
    else:
        for result in page:
            answer.append(_header(result))
    if more or state["cursor"]:
        token = ET.SubElement(
            answer,
            f"{{{OAI}}}resumptionToken",
            completeListSize=str(total),
            cursor=str(state["cursor"]),
        )
        if more:
            last = page[-1]
            token.text = signing.dumps(
                {
                    **state,
                    "cursor": state["cursor"] + len(page),
                    "after": [last.datestamp.isoformat(), last.pk],
                },
                salt=TOKEN_SALT,
                compress=True,
            )
    return answer


# The verbs ----------------------------------------------------------------------------------


def _identify(params: dict) -> ET.Element:
    identify = ET.Element(f"{{{OAI}}}Identify")
    earliest = _harvested().order_by("datestamp").values_list("datestamp", flat=True).first()
    for name, value in (
        ("repositoryName", "'t LEF Kennisbank"),
        ("baseURL", base_url()),
        ("protocolVersion", "2.0"),
        ("adminEmail", settings.LEF_CONTACT_EMAIL),
        (
            "earliestDatestamp",
            _stamp(earliest or datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)),
        ),
        ("deletedRecord", "no"),
        ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
    ):
        ET.SubElement(identify, f"{{{OAI}}}{name}").text = value
    return identify


def _list_metadata_formats(params: dict) -> ET.Element:
    if "identifier" in params:
        _by_identifier(params["identifier"])
    formats = ET.Element(f"{{{OAI}}}ListMetadataFormats")
    format_element = ET.SubElement(formats, f"{{{OAI}}}metadataFormat")
    ET.SubElement(format_element, f"{{{OAI}}}metadataPrefix").text = METADATA_PREFIX
    ET.SubElement(format_element, f"{{{OAI}}}schema").text = OAI_DC_SCHEMA
    ET.SubElement(format_element, f"{{{OAI}}}metadataNamespace").text = OAI_DC
    return formats


def _list_sets(params: dict) -> ET.Element:
    if "resumptionToken" in params:
        raise OAIError("badResumptionToken", "The list of sets comes in one piece.")
    sets = ET.Element(f"{{{OAI}}}ListSets")
    for spec, name in _sets():
        element = ET.SubElement(sets, f"{{{OAI}}}set")
        ET.SubElement(element, f"{{{OAI}}}setSpec").text = spec
        ET.SubElement(element, f"{{{OAI}}}setName").text = name
    return sets


def _get_record(params: dict) -> ET.Element:
    if params["metadataPrefix"] != METADATA_PREFIX:
        raise OAIError("cannotDisseminateFormat", "Only oai_dc is offered.")
    result = _by_identifier(params["identifier"])
    answer = ET.Element(f"{{{OAI}}}GetRecord")
    answer.append(_record(result, agreed_authors_of([result.pk])[result.pk]))
    return answer


_ANSWERS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "ListIdentifiers": lambda params: _listed(params, with_records=False),
    "ListRecords": lambda params: _listed(params, with_records=True),
    "GetRecord": _get_record,
}
