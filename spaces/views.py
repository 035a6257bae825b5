"""Spaces pages: overview and search, the availability grid, booking, my bookings."""

from datetime import time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lef.errors import status_for
from members.decorators import profile_required
from members.models import Profile
from spaces import queries, services, timeslots
from spaces.forms import BookingForm, GridForm, SearchForm
from spaces.models import Booking, Resource
from spaces.permissions import can_book_resource, can_see_booker, is_startup_member

PAST_PER_PAGE = 20
RESOURCES_PER_PAGE = 12


def _is_partial(request) -> bool:
    return bool(getattr(request, "htmx", False)) and not request.htmx.history_restore_request


def resource_list(request):
    """All resources with how free each is today, and the "free for …" search."""
    searched = any(key in request.GET for key in ("day", "start_time", "end_time"))
    form = SearchForm(request.GET if searched else None)
    context = {"form": form, "searched": searched, "today": timeslots.today()}
    status = 200
    if searched and form.is_valid():
        data = form.cleaned_data
        results = queries.free_resources(
            start=data["start"],
            end=data["end"],
            seats=data.get("seats") or 1,
            amenity=data.get("amenity") or "",
            kind=data.get("kind") or "",
        )
        context.update(
            results=results,
            search=data,
            book_query=urlencode(
                {
                    "day": data["day"].isoformat(),
                    "start_time": data["start_time"].strftime("%H:%M"),
                    "end_time": data["end_time"].strftime("%H:%M"),
                    "people": data.get("seats") or 1,
                }
            ),
        )
    else:
        if searched:
            status = 400
        # A page at a time: on a phone a long list of cards is no overview.
        today = timeslots.today()
        page = Paginator(
            queries.with_calendar(Resource.objects.active().select_related("space"), today, today),
            RESOURCES_PER_PAGE,
        ).get_page(request.GET.get("page"))
        context["page_obj"] = page
        context["cards"] = queries.resource_cards(day=today, resources=list(page.object_list))
    template = "spaces/resource_list.html"
    if _is_partial(request):
        template += "#results"
    return render(request, template, context, status=status)


def _grid_days(day, view):
    if view == "week":
        monday = timeslots.week_start(day)
        return [monday + timedelta(days=i) for i in range(7)]
    return [day]


def _profile_of(user):
    if not user.is_authenticated:
        return None
    profile = Profile.objects.select_related("organisation").filter(user=user).first()
    if profile is not None:
        user.profile = profile  # the layout's reminder reads it from here: no second query
    return profile


def resource_detail(request, slug):
    """The day or week grid of one resource, in Amsterdam time."""
    form = GridForm(request.GET)
    status = 200
    if form.is_valid():
        day, view = form.cleaned_data["date"], form.cleaned_data["view"]
    else:
        day, view, status = timeslots.today(), "day", 400
    days = _grid_days(day, view)
    resource = get_object_or_404(
        queries.with_calendar(
            Resource.objects.active().select_related("space"), days[0], days[-1]
        ),
        slug=slug,
    )
    grid = queries.availability(resource=resource, days=days, viewer=request.user)
    step = timedelta(days=7 if view == "week" else 1)
    profile = _profile_of(request.user)
    can_book = can_book_resource(request.user, resource, profile=profile)
    _label_cells(
        grid, resource=resource, can_book=can_book, show_booker=can_see_booker(request.user)
    )
    context = {
        "resource": resource,
        "space": resource.space,
        "grid": grid,
        "form": form,
        "day": day,
        "view": view,
        "today": timeslots.today(),
        "previous": days[0] - step,
        "next": days[0] + step,
        "can_book": can_book,
        "startups_only": resource.audience == Resource.Audience.STARTUPS,
    }
    template = "spaces/resource_detail.html"
    if _is_partial(request):
        template += "#grid"
    return render(request, template, context, status=status)


def _label_cells(grid, *, resource, can_book: bool, show_booker: bool) -> None:
    """Give every cell its text, link and screen-reader words, once per grid.

    Done here rather than with tags and filters in the template: a week has a
    few hundred cells, and formatting each with {% url %} and |date costs more
    than the rest of the page.
    """
    labels = {
        "free": _("Free"),
        "mine": _("Yours"),
        "taken": _("Taken"),
        "blocked": _("Blocked"),
        "past": _("Past"),
        "closed": _("Closed"),
    }
    book_url = reverse("spaces:book", kwargs={"slug": resource.slug})
    book_word = _("book")
    days = [(day.isoformat(), date_format(day, "D j M")) for day in grid.days]
    for row in grid.rows:
        wall = row.wall.strftime("%H:%M")
        for index, cell in enumerate(row.cells):
            if cell is None:
                continue
            cell.label = labels[cell.state]
            cell.note = ""
            cell.href = ""
            if cell.state == "free" and can_book:
                day, day_label = days[index]
                fold = "&fold=1" if cell.fold else ""
                cell.href = f"{book_url}?day={day}&start_time={wall}{fold}"
                cell.sr = f"{day_label} {wall}: {book_word}"
            elif cell.state == "taken" and show_booker:
                cell.label = str(cell.booking.booker)
            elif cell.state == "blocked" and cell.start == cell.booking.start:
                cell.note = cell.booking.purpose


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
    # "On behalf of" is for start-ups and initiatives (their hours count together).
    organisation = profile.organisation if is_startup_member(profile) else None
    if not can_book_resource(request.user, resource, profile=profile):
        message = (
            _("This resource is for members of education start-ups and initiatives.")
            if resource.audience == Resource.Audience.STARTUPS and not is_startup_member(profile)
            else _("This resource cannot be booked at the moment.")
        )
        return render(
            request,
            "spaces/booking_form.html",
            {"resource": resource, "space": resource.space, "refused": message},
            status=403,
        )
    status = 200
    conflicts = None
    if request.method == "POST":
        form = BookingForm(request.POST, resource=resource, organisation=organisation)
        if form.is_valid():
            data = form.cleaned_data
            on_behalf = organisation if data.get("on_behalf") else None
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
            organisation=organisation,
        )
    day = _form_day(form)
    grid = queries.availability(resource=resource, days=[day], viewer=request.user)
    context = {
        "resource": resource,
        "space": resource.space,
        "form": form,
        "conflicts": conflicts,
        "day": day,
        "free_ranges": _free_ranges(grid),
        "shortest": services.duration_label(resource.min_minutes),
        "longest": services.duration_label(resource.max_minutes),
    }
    return render(request, "spaces/booking_form.html", context, status=status)


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


@login_required
def my_bookings(request):
    """The member's upcoming bookings (check in, cancel) and past ones (book again)."""
    upcoming = queries.upcoming_bookings(request.user)
    paginator = Paginator(queries.past_bookings(request.user), PAST_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    book_url = reverse("spaces:book", kwargs={"slug": "-"})  # once, not per row
    context = {
        "upcoming": upcoming,
        "page_obj": page,
        "past": [(b, _book_again_url(b, book_url)) for b in page.object_list],
    }
    return render(request, "spaces/booking_list.html", context)


def _book_again_url(booking: Booking, book_url: str) -> str:
    """The booking form for the same resource and clock times, a week after it (or later)."""
    start, end = timeslots.local(booking.start), timeslots.local(booking.end)
    day = start.date() + timedelta(days=7)
    while day < timeslots.today() + timedelta(days=1):
        day += timedelta(days=7)
    query = {
        "day": day.isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": "00:00" if end.time() == time(0) else end.strftime("%H:%M"),
        "people": booking.people,
    }
    if booking.purpose:
        query["purpose"] = booking.purpose
    path = book_url.replace("/-/", f"/{booking.resource.slug}/")
    return f"{path}?{urlencode(query)}"


def _own_booking(request, pk) -> Booking:
    booking = Booking.objects.bookings().filter(pk=pk, booker=request.user).first()
    if booking is None:
        raise Http404
    return booking


@login_required
@require_POST
def cancel(request, pk):
    booking = _own_booking(request, pk)
    try:
        services.cancel_booking(booking=booking, by=request.user)
    except services.BookingError as error:
        messages.error(request, error.message)
        return _back(request, status=status_for(error))
    messages.success(request, _("Your booking is cancelled. We have mailed you a confirmation."))
    return _back(request)


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
    target = reverse("home") if request.POST.get("next") == "home" else reverse("spaces:bookings")
    if status == 302:
        return redirect(target)
    return render(request, "spaces/action_failed.html", {"back": target}, status=status)
