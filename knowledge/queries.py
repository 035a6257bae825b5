"""Reads of the knowledge library that depend on the viewer or span models.

The library's list and its filters, one result's page with its agreed
authors, and who may see a hidden result. What a viewer may see is always
``Result.objects.visible_to`` (the one rule, with the project's own).
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from knowledge.models import Author, Result
from knowledge.search import RANK_AT_MOST, by_relevance, search_results
from lef.pagination import page_of
from members.models import User, is_shown
from members.search import every_word_first, search_words

# The list's own order: newest first (read from knowledge_result_new_idx).
LIBRARY_ORDER = ("-created_at", "-pk")
# A search is counted this far (see :func:`library_page`): as far as it is ranked.
COUNT_AT_MOST = RANK_AT_MOST

# What a card in the list shows of a result and its project.
CARD_FIELDS = (
    "title",
    "slug",
    "summary",
    "kind",
    "sectors",
    "licence",
    "visibility",
    "file_type",
    "link",
    "created_at",
    "project__title",
    "project__slug",
    "project__visibility",
)


def browse_results(
    *,
    viewer: User,
    q: str = "",
    sector: str = "",
    transition: str = "",
    activity: str = "",
    kind: str = "",
    licence: str = "",
    ranked: bool = True,
) -> QuerySet[Result]:
    """Results ``viewer`` may see that pass every given filter (they combine with AND).

    Newest first; a search (knowledge.search) puts the results matching the
    most words first, then by relevance when ``ranked``. Each result comes
    with its project (CARD_FIELDS only: the wide text columns stay behind).
    """
    results = Result.objects.visible_to(viewer).select_related("project").only(*CARD_FIELDS)
    if sector:
        results = results.filter(sectors__contains=[sector])
    if transition:
        results = results.filter(transitions__contains=[transition])
    if activity:
        results = results.filter(core_activities__contains=[activity])
    if kind:
        results = results.filter(kind=kind)
    if licence:
        results = results.filter(licence=licence)
    searched = search_results(results, q)
    if searched is None:
        return results.order_by(*LIBRARY_ORDER)
    return by_relevance(searched, q, ranked=ranked)


def library_page(*, viewer: User, page_number, per_page: int, **filters) -> Page:
    """One page of :func:`browse_results`: two queries, the count and the page.

    Without a search the count is exact. A search is counted up to
    COUNT_AT_MOST matches (``page.paginator.capped`` says when there are more):
    a file's words make a result's search vector some 15 kB, read from TOAST
    for every row PostgreSQL tests, and for a word most results contain the
    planner prefers testing rows to the GIN index (it does not count the
    reading), so counting all 4 500 matches of 5 000 took 150 ms where
    stopping at the cap takes 10. Up to the cap, matches are ordered by
    relevance; a broader search newest first, and one of several words with
    the results that match every word first, each part read from the newest-
    first index only as far as the page asked for
    (:func:`members.search.every_word_first`), instead of testing every
    match for each word.
    """
    q = filters.get("q", "")
    if not search_words(q):
        results = browse_results(viewer=viewer, **filters)
        return page_of(
            results, number=page_number, per_page=per_page, count=results.order_by().count()
        )
    unranked = browse_results(viewer=viewer, ranked=False, **filters).order_by()
    count = unranked[: COUNT_AT_MOST + 1].count()
    capped = count > COUNT_AT_MOST
    count = min(count, COUNT_AT_MOST)
    if capped and len(search_words(q)) > 1:
        paginator = Paginator((), per_page)
        paginator.count = count  # clamps the page number without a query
        up_to = paginator.get_page(page_number).number * per_page
        unsearched = browse_results(viewer=viewer, **{**filters, "q": ""})
        results = every_word_first(unsearched, q, order=LIBRARY_ORDER, up_to=up_to)
    else:
        results = browse_results(viewer=viewer, ranked=not capped, **filters)
    page = page_of(results, number=page_number, per_page=per_page, count=count)
    page.paginator.capped = capped
    return page


def result_by_slug(slug: str) -> Result:
    """The result at ``slug`` with its project, whoever may see it; raises Result.DoesNotExist.

    The wide columns stay behind: the search vectors and the file's words (up to
    200 000 characters the page never shows). The caller decides who sees it
    (``Result.is_visible_to``, ``knowledge.permissions.result_permissions``).
    """
    return (
        Result.objects.select_related("project")
        .defer("search_vector", "file_text", "project__search_vector")
        .get(slug=slug)
    )


@dataclass(frozen=True)
class ShownAuthor:
    """An author as a page, a citation and the metadata show them.

    ``name`` is "" for a former member (the page and the citation say so in
    words); ``url`` links to the profile only when the viewer may open it.
    """

    name: str
    url: str = ""

    @property
    def is_former(self) -> bool:
        return not self.name


def agreed_authors(result: Result, *, seen_by: str | None = None) -> list[ShownAuthor]:
    """The authors of ``result`` who agreed to be named, in their order: one query.

    Agreeing to be named is agreeing to be named with this result, where it is
    shown and harvested; the profile link follows the profile's own rule
    (``members.models.is_shown`` for ``seen_by``; None: no links). A deleted
    or closed account is a former member.
    """
    authors = (
        Author.objects.filter(result=result, agreed_at__isnull=False)
        .select_related("member__profile")
        .only(
            "member__name",
            "member__username",
            "member__is_active",
            "member__profile__visibility",
            "member__profile__onboarded_at",
            "member__profile__primary_sector",
        )
        .order_by("position", "pk")
    )
    shown = []
    for author in authors:
        member = author.member
        if member is None or not member.is_active:
            shown.append(ShownAuthor(name=""))
            continue
        linked = seen_by is not None and is_shown(member, seen_by)
        shown.append(
            ShownAuthor(name=str(member), url=member.get_absolute_url() if linked else "")
        )
    return shown


def agreed_authors_of(result_ids) -> dict[int, list[ShownAuthor]]:
    """Agreed authors of many results at once (for OAI-PMH lists): one query."""
    names: dict[int, list[ShownAuthor]] = {pk: [] for pk in result_ids}
    authors = (
        Author.objects.filter(result_id__in=names, agreed_at__isnull=False)
        .select_related("member")
        .only("result_id", "member__name", "member__username", "member__is_active")
        .order_by("result_id", "position", "pk")
    )
    for author in authors:
        member = author.member
        active = member is not None and member.is_active
        names[author.result_id].append(ShownAuthor(name=str(member) if active else ""))
    return names
