"""Spaces pages: overview and search, the availability grid, booking, my bookings."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lef.errors import status_for
from lef.images import image_url
from lef.templatetags.lef_tags import day_text
from members.decorators import profile_required
from members.models import Profile
from spaces import queries, services, timeslots
from spaces.forms import BookingForm, CancelBookingForm, GridForm, SearchForm
from spaces.models import Booking, Resource
from spaces.permissions import (
    Refusal,
    can_cancel_booking,
    can_see_booker,
    is_startup_member,
    resource_permissions,
)

PAST_PER_PAGE = 20
RESOURCES_PER_PAGE = 12


def _is_partial(request) -> bool:
    return bool(getattr(request, "htmx", False)) and not request.htmx.history_restore_request


def _varies_with_htmx(response):
    """The same address answers a page or a partial: caches must tell them apart."""
    patch_vary_headers(response, ["HX-Request"])
    return response


# The icon of a resource without a photo, by kind.
_KIND_ICONS = {Resource.Kind.ROOM: "bi-people", Resource.Kind.BOOTH: "bi-telephone"}


@dataclass
class Card:
    """A resource as the overview and the search show it, with its words ready.

    Twelve cards of a dozen lookups, filters and translations each cost more
    than the rest of the page; as plain attributes they cost a fraction.
    """

    resource: Resource  # with its space
    url: str
    book_query: str = ""  # in search results: the booking form's prefill
    today: queries.Today | None = None  # on the overview: how free it is for the rest of today

    def __post_init__(self):
        resource = self.resource
        self.pk = str(resource.pk)
        self.name = resource.name
        self.photo_url = image_url(resource.photo, 400) or ""
        self.icon = _KIND_ICONS.get(resource.kind, "bi-laptop")
        self.about = f"{resource.get_kind_display()} · {resource.space.name}"
        self.seats = ngettext("%(counter)s seat", "%(counter)s seats", resource.seats) % {
            "counter": resource.seats
        }
        self.amenities = resource.amenity_labels
        self.startups_only = resource.audience == Resource.Audience.STARTUPS
        self.book_label = _("Book %(name)s") % {"name": resource.name} if self.book_query else ""
        self.free_words = ""
        if self.today is not None and self.today.is_open:
            self.free_words = _("%(share)s%% free for the rest of today") % {
                "share": self.free_share
            }

    @property
    def open_minutes(self) -> int:
        return self.today.open_minutes

    @property
    def free_minutes(self) -> int:
        return self.today.free_minutes

    @property
    def free_share(self) -> int:
        return self.today.free_share


def _resource_url(slug: str) -> str:
    # One reverse() for all cards: a slug never holds a slash.
    return reverse("spaces:resource", kwargs={"slug": "-"}).replace("/-/", f"/{slug}/")


def _overview_cards(resources: list[Resource], *, day, now, hours, closures) -> list[Card]:
    """How free each resource is for the rest of ``day``, from what rode along with it."""
    path = reverse("spaces:resource", kwargs={"slug": "-"})
    return [
        Card(
            resource=resource,
            url=path.replace("/-/", f"/{resource.slug}/"),
            today=queries.today_of(
                queries.windows_for(resource.space_id, day, hours, closures),
                [(hold.start, hold.end) for hold in queries.holds_of(resource, None)],
                day=day,
                now=now,
            ),
        )
        for resource in resources
    ]


@require_safe
def resource_list(request):
    """All resources with how free each is today, and the "free for …" search."""
    searched = any(key in request.GET for key in ("day", "start_time", "end_time"))
    form = SearchForm(request.GET) if searched else None
    now = timezone.now()
    context = {
        "searched": searched,
        "today": timeslots.local_date(now),
        # Also for the results alone (htmx), which do not run the page's {% url %}.
        "list_url": reverse("spaces:list"),
    }
    status = 200
    if form is not None and form.is_valid():
        data = form.cleaned_data
        seats = data.get("seats") or 1
        wanted = {
            "seats": seats,
            "amenity": data.get("amenity") or "",
            "kind": data.get("kind") or "",
        }
        book_query = urlencode(
            {
                "day": data["day"].isoformat(),
                "start_time": data["start_time"].strftime("%H:%M"),
                "end_time": data["end_time"].strftime("%H:%M"),
                "people": seats,
            }
        )
        free = queries.free_resources(start=data["start"], end=data["end"], **wanted)
        results = tuple(
            Card(resource=resource, url=_resource_url(resource.slug), book_query=book_query)
            for resource in free
        )
        context.update(results=results, cards=results, search=data)
        if not results:
            closed = queries.closed_then(start=data["start"], end=data["end"], **wanted)
            if closed is not None:
                context["closed"] = closed
                if closed.next_day is not None:
                    query = request.GET.copy()
                    query["day"] = closed.next_day.isoformat()
                    context["next_day_query"] = query.urlencode()
    else:
        if searched:
            status = 400
        # A page at a time: on a phone a long list of cards is no overview.
        day = timeslots.local_date(now)
        # The closures of the coming days ride along too: the search's first
        # question is the next open hours, tomorrow's when today's are over.
        last = day + timedelta(days=queries.OPEN_AHEAD_DAYS)
        resources = queries.with_calendar(
            Resource.objects.active().select_related("space"), day, last
        )
        page = queries.counted_page(
            queries.with_holds(resources, *queries.day_bounds([day])),
            request.GET.get("page"),
            per_page=RESOURCES_PER_PAGE,
        )
        shown = list(page.object_list)
        hours, closures = queries.calendar_of(shown, day, last)
        page.object_list = _overview_cards(shown, day=day, now=now, hours=hours, closures=closures)
        context.update(page_obj=page, cards=page.object_list)
        if form is None:
            form = SearchForm(
                suggested=queries.search_start(now, queries.days_open(day, last, hours, closures))
            )
    context["form"] = form
    template = "spaces/resource_list.html"
    if _is_partial(request):
        template += "#results"
    return _varies_with_htmx(render(request, template, context, status=status))


def _grid_days(day, view):
    if view == "week":
        monday = timeslots.week_start(day)
        return [monday + timedelta(days=i) for i in range(7)]
    return [day]


def _profile_of(user, *, organisation: bool = True):
    """The member's profile (with their organisation, unless not needed), or None."""
    if not user.is_authenticated:
        return None
    profiles = Profile.objects.filter(user=user)
    if organisation:
        profiles = profiles.select_related("organisation")
    profile = profiles.first()
    if profile is not None:
        user.profile = profile  # the layout's reminder reads it from here: no second query
    return profile


@dataclass
class GridRow:
    """A row of the grid as the template shows it."""

    time: str  # "09:30"
    fold: int  # 1: the second 02:00-02:59 on the day the clocks go back
    # Per day: (shape, state, text, first, second). Shape "" is a plain cell
    # (most of them: tested first); "link": a free slot, with the link to book
    # it and the screen-reader words; "none": the clock time does not exist
    # that day, with the words; "note": a block's first slot, with its reason.
    cells: list[tuple[str, str, str, str, str]]


def _grid_rows(grid: queries.Grid, *, book_url: str, day_labels: list[str]) -> list[GridRow]:
    """Every cell's text, link and screen-reader words, as plain tuples for one template loop.

    Done here rather than with tags and filters in the template: a week has a
    few hundred cells, and formatting each with {% url %} and |date, or
    looking up attributes of cell objects, costs more than the rest of the page.
    """
    labels = {
        "free": _("Free"),
        "mine": _("Yours"),
        "taken": _("Taken"),
        "blocked": _("Blocked"),
        "past": _("Past"),
        "closed": _("Closed"),
    }
    missing = ("none", "none", "", _("This time does not exist on this day"), "")
    book_word = _("book")
    days = [(day.isoformat(), label) for day, label in zip(grid.days, day_labels, strict=True)]
    rows = []
    for row in grid.rows:
        wall = row.wall.strftime("%H:%M")
        fold = "&fold=1" if row.fold else ""
        cells = []
        for index, cell in enumerate(row.cells):
            if cell is None:
                cells.append(missing)
                continue
            state = cell.state
            if state == "free" and book_url:
                day, day_label = days[index]
                href = f"{book_url}?day={day}&start_time={wall}{fold}"
                cells.append(
                    ("link", state, labels[state], href, f"{day_label} {wall}: {book_word}")
                )
            elif state == "taken" and cell.hold.booker:
                cells.append(("", state, cell.hold.booker, "", ""))
            elif state == "blocked" and cell.start == cell.hold.start and cell.hold.note:
                cells.append(("note", state, labels[state], cell.hold.note, ""))
            else:
                cells.append(("", state, labels[state], "", ""))
        rows.append(GridRow(time=wall, fold=row.fold, cells=cells))
    return rows


@require_safe
def resource_detail(request, slug):
    """The day or week grid of one resource, in Amsterdam time."""
    form = GridForm(request.GET)
    status = 200
    if form.is_valid():
        day, view = form.cleaned_data["date"], form.cleaned_data["view"]
    else:
        day, view, status = timeslots.today(), "day", 400
    days = _grid_days(day, view)
    # The opening hours, closures and bookings of these days ride along with the resource.
    resources = queries.with_calendar(
        Resource.objects.active().select_related("space").filter(slug=slug), days[0], days[-1]
    )
    resources = queries.with_holds(
        resources, *queries.day_bounds(days), names=can_see_booker(request.user)
    )
    resource = resources.first()
    if resource is None:
        raise Http404
    now = timezone.now()
    grid = queries.availability(resource=resource, days=days, viewer=request.user, now=now)
    # Only start-up resources ask about the member's organisation.
    startups_only = resource.audience == Resource.Audience.STARTUPS
    profile = _profile_of(request.user, organisation=startups_only)
    perms = resource_permissions(request.user, resource, profile=profile)
    book_url = reverse("spaces:book", kwargs={"slug": resource.slug}) if perms.book else ""
    labels = [day_text(grid_day, year=False) for grid_day in days]
    today = timeslots.local_date(now)
    step = timedelta(days=7 if view == "week" else 1)
    context = {
        "resource": resource,
        "space": resource.space,
        "grid": grid,
        "rows": _grid_rows(grid, book_url=book_url, day_labels=labels),
        "headers": [
            (label, grid_day == today) for label, grid_day in zip(labels, days, strict=True)
        ],
        "view": view,
        "day": day,
        "here": resource.get_absolute_url(),
        "perms": perms,
        "errors": [error for errors in form.errors.values() for error in errors],
        # ISO dates for the links and the date input (|date in a template costs more).
        "shown_day": day.isoformat(),
        "previous": (days[0] - step).isoformat(),
        "next": (days[0] + step).isoformat(),
        "startups_only": startups_only,
    }
    template = "spaces/resource_detail.html"
    if _is_partial(request):
        template += "#grid"
    return _varies_with_htmx(render(request, template, context, status=status))


def _initial_from_query(request, resource) -> dict:
    """Prefill from a chosen slot or from "book again"; bad values are simply left out."""
    probe = BookingForm(
        {
            "day": request.GET.get("day", ""),
            "start_time": request.GET.get("start_time", ""),
            "end_time": request.GET.get("end_time", ""),
            "fold": request.GET.get("fold", "0"),
            "people": request.GET.get("people", "1"),
            "purpose": request.GET.get("purpose", ""),
            "weeks": "1",
        },
        resource=resource,
    )
    probe.is_valid()
    initial = {"people": 1, "weeks": 1}
    for name in ("day", "start_time", "end_time", "fold", "people", "purpose"):
        if name in probe.cleaned_data and name not in probe.errors:
            initial[name] = probe.cleaned_data[name]
    if "start_time" in initial and "end_time" not in initial and "day" in initial:
        start = timeslots.at(initial["day"], initial["start_time"])
        initial["end_time"] = timeslots.local(
            start + timedelta(minutes=resource.min_minutes)
        ).time()
    return initial


@profile_required
def book(request, slug):
    """The booking form for one resource; POST books it (or a weekly series)."""
    resource = get_object_or_404(Resource.objects.active().select_related("space"), slug=slug)
    profile = _profile_of(request.user)
    perms = resource_permissions(request.user, resource, profile=profile)
    if not perms.book:
        return _refused(request, resource, perms.refusal)
    # "On behalf of" is for start-ups and initiatives (their hours count together);
    # on a place for start-ups only every booking is (the service sees to it).
    startups_only = resource.audience == Resource.Audience.STARTUPS
    organisation = profile.organisation if is_startup_member(profile) else None
    status = 200
    conflicts = None
    if request.method == "POST":
        form = BookingForm(
            request.POST, resource=resource, organisation=None if startups_only else organisation
        )
        if form.is_valid():
            data = form.cleaned_data
            on_behalf = organisation if data.get("on_behalf") or startups_only else None
            try:
                if data["weeks"] > 1:
                    result = services.book_series(
                        resource=resource,
                        booker=request.user,
                        start=data["start"],
                        end=data["end"],
                        weeks=data["weeks"],
                        people=data["people"],
                        purpose=data["purpose"],
                        organisation=on_behalf,
                        skip_conflicts=data["skip_conflicts"],
                    )
                    booked = result.bookings
                else:
                    booked = [
                        services.book_resource(
                            resource=resource,
                            booker=request.user,
                            start=data["start"],
                            end=data["end"],
                            people=data["people"],
                            purpose=data["purpose"],
                            organisation=on_behalf,
                        )
                    ]
            except services.SeriesConflict as error:
                form.add_error(None, error.message)
                conflicts = error.conflicts
                status = status_for(error)
            except services.BookingNotAllowed as error:
                if error.code:  # who may book changed under them: say why, and the way out
                    return _refused(request, resource, Refusal(error.code, error.message))
                form.add_error(None, error.message)
                status = status_for(error)
            except services.BookingError as error:
                form.add_error(None, error.message)
                status = status_for(error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Booked: %(resource)s. We have mailed you the details.",
                        "Booked: %(resource)s, %(count)d times. We have mailed you the details.",
                        len(booked),
                    )
                    % {"resource": resource.name, "count": len(booked)},
                )
                return redirect("spaces:bookings")
        else:
            status = 400
    else:
        form = BookingForm(
            initial=_initial_from_query(request, resource),
            resource=resource,
            organisation=None if startups_only else organisation,
        )
    day = _form_day(form)
    grid = queries.availability(resource=resource, days=[day], viewer=request.user)
    context = {
        "resource": resource,
        "space": resource.space,
        "form": form,
        "conflicts": conflicts,
        "counts_for": organisation if startups_only else None,
        "day": day,
        "free_ranges": _free_ranges(grid),
        "shortest": services.duration_label(resource.min_minutes),
        "longest": services.duration_label(resource.max_minutes),
    }
    return render(request, "spaces/booking_form.html", context, status=status)


def _refused(request, resource, refusal: Refusal):
    """The booking form's page saying why this member cannot book ``resource`` (403)."""
    context = {"resource": resource, "space": resource.space, "refusal": refusal}
    return render(request, "spaces/booking_form.html", context, status=403)


def _form_day(form):
    value = getattr(form, "cleaned_data", {}).get("day") if form.is_bound else None
    value = value or form.initial.get("day")
    return value or timeslots.today()


def _free_ranges(grid) -> list[tuple]:
    """The day's free time as (start, end) ranges of consecutive free slots."""
    ranges = []
    for cell in grid.cells_of(0):
        if cell.state != "free":
            continue
        if ranges and ranges[-1][1] == cell.start:
            ranges[-1] = (ranges[-1][0], cell.end)
        else:
            ranges.append((cell.start, cell.end))
    return ranges


@never_cache  # the member's own bookings: no cache may keep them
@require_safe
@login_required
def my_bookings(request):
    """The member's upcoming bookings (check in, cancel) and past ones (book again)."""
    now = timezone.now()
    page = queries.past_page(
        request.user, request.GET.get("page"), per_page=PAST_PER_PAGE, now=now
    )
    upcoming = queries.upcoming_bookings(request.user, now=now)
    context = {
        "upcoming": upcoming,
        # A weekly series is one entry: "Every Tuesday 09:00-12:00, until 3 March, 8 times".
        "entries": queries.grouped(upcoming),
        "page_obj": page,
        "past": page.object_list,
    }
    return render(request, "spaces/booking_list.html", context)


def _own_booking(request, pk) -> Booking:
    booking = (
        Booking.objects.bookings()
        .filter(pk=pk, booker=request.user)
        .select_related("resource__space")
        .first()
    )
    if booking is None:
        raise Http404
    return booking


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk):
    """Ask first, then cancel: this booking, or (a series) this one and all later ones.

    GET, and a POST without ``confirm`` (a form of an older page), show the
    question; the question's form POSTs ``confirm`` and the ``scope``.
    """
    booking = _own_booking(request, pk)
    form = CancelBookingForm(request.POST if "confirm" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            if form.cleaned_data["scope"] == CancelBookingForm.LATER:
                cancelled = services.cancel_series(booking=booking, by=request.user)
            else:
                cancelled = [services.cancel_booking(booking=booking, by=request.user)]
        except services.BookingError as error:
            messages.error(request, error.message)
            return _back(request, status=status_for(error))
        messages.success(
            request,
            ngettext(
                "Your booking is cancelled. We have mailed you a confirmation.",
                "Your %(count)d bookings are cancelled. We have mailed you a confirmation.",
                len(cancelled),
            )
            % {"count": len(cancelled)},
        )
        return _back(request)
    if not can_cancel_booking(request.user, booking):
        messages.error(
            request,
            _("This booking was already cancelled or released.")
            if booking.status != Booking.Status.CONFIRMED
            else _("This booking has started; it can no longer be cancelled."),
        )
        return _back(request, status=409)
    # What "this and all later ones" would cancel (services.cancel_series), and the
    # series as it stands, to say what it is.
    dates = queries.coming_in_series(booking, now=timezone.now())
    later = [date for date in dates if date.start > booking.start]
    if not form.is_bound:
        scope = request.GET.get("scope")
        form = CancelBookingForm(
            initial={"scope": scope if later and scope == CancelBookingForm.LATER else "one"}
        )
    context = {
        "booking": booking,
        "resource": booking.resource,
        "later": later,
        "series": dates,
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    status = 400 if form.errors else 200
    return render(request, "spaces/booking_cancel.html", context, status=status)


@login_required
@require_POST
def check_in(request, pk):
    booking = _own_booking(request, pk)
    try:
        services.check_in(booking=booking, by=request.user)
    except services.BookingError as error:
        messages.error(request, error.message)
        return _back(request, status=status_for(error))
    messages.success(request, _("You are checked in. Enjoy your work!"))
    return _back(request)


def _back(request, *, status: int = 302):
    """Back to where the form was (Mijn LEF or my bookings); an error page keeps its status."""
    came_from = request.POST.get("next") or request.GET.get("next")
    target = reverse("home") if came_from == "home" else reverse("spaces:bookings")
    if status == 302:
        return redirect(target)
    return render(request, "spaces/action_failed.html", {"back": target}, status=status)
