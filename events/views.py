"""Meetup pages: the list, the month calendar, a meetup, signing up, calendar files, the door.

Views are thin: reads come from events.queries, every change from
events.services; a domain error is shown on the page with its status code
(409 full or closed, 503 busy, ...).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from events import queries
from events.calendars import event_entry
from events.forms import (
    DoorSearchForm,
    EventFilterForm,
    GuestWalkInForm,
    MemberWalkInForm,
    MonthForm,
    RegisterForm,
)
from events.models import Event, Registration
from events.permissions import EventPermissions, event_permissions, organiser_ids_of
from events.services import (
    add_walk_in,
    cancel_own_registration,
    check_in,
    register_for_event,
    undo_check_in,
)
from lef.calendar import ics_response
from lef.errors import DomainError
from lef.second_factor import second_factor_required_for_staff
from members.decorators import profile_required
from members.models import User

EVENTS_PER_PAGE = 12


def _is_partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render_maybe_partial(request, template: str, partial: str, context: dict, status: int):
    context["partial"] = _is_partial(request)
    name = f"{template}#{partial}" if context["partial"] else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


# The list and the calendar -----------------------------------------------------------


def _controls(form: EventFilterForm, *, current: str, action: str, target: str, hidden: dict):
    """What the tabs and filters above a list or calendar need (events/includes/controls.html)."""
    return {
        "current": current,
        "action": action,
        "target": target,
        "hidden": hidden,
        "filter_query": urlencode(form.active_params()),
    }


@require_safe
def event_list(request):
    """/events/: coming meetups (or past ones, ``?when=past``), filtered, 12 to a page."""
    when = request.GET.get("when", "")
    past = when == "past"
    form = EventFilterForm(request.GET)
    filters = form.filters()
    bad_when = when not in {"", "past"}
    events = queries.visible_events(when="past" if past else "", **filters)
    page, cards = queries.event_card_page(
        events,
        number=request.GET.get("page"),
        per_page=EVENTS_PER_PAGE,
        viewer=request.user,
        past=past,
    )
    params = form.active_params()
    if past:
        params["when"] = "past"
    context = {
        "form": form,
        "past": past,
        "page_obj": page,
        "cards": cards,
        "filter_params": params,
        "controls": _controls(
            form,
            current="past" if past else "upcoming",
            action=reverse("events:list"),
            target="#event-results",
            hidden={"when": "past"} if past else {},
        ),
        "bad_when": bad_when,
    }
    status = 400 if form.errors or bad_when else 200
    return _render_maybe_partial(request, "events/event_list.html", "results", context, status)


@require_safe
def event_calendar(request):
    """/events/calendar/?month=2026-12: the meetups of one month, Monday first."""
    form = EventFilterForm(request.GET)
    month_form = MonthForm(request.GET)
    if month_form.is_valid():
        first = month_form.cleaned_data["month"]
    else:
        first = timezone.localdate().replace(day=1)
    filters = form.filters()
    month = queries.month_calendar(year=first.year, month=first.month, **filters)
    context = {
        "form": form,
        "month_form": month_form,
        "month": month,
        "filter_params": form.active_params(),
        "controls": _controls(
            form,
            current="calendar",
            action=reverse("events:calendar"),
            target="#month",
            hidden={"month": f"{first:%Y-%m}"},
        ),
    }
    status = 400 if form.errors or month_form.errors else 200
    return _render_maybe_partial(request, "events/event_calendar.html", "month", context, status)


# One meetup ---------------------------------------------------------------------------


def _event_or_404(request, slug: str, events=None) -> tuple[Event, EventPermissions]:
    """The meetup and what the viewer may do with it; a 404 when they may not see it.

    One query: whether the viewer organises it is read with it.
    """
    events = Event.objects.all() if events is None else events
    events = events.select_related("venue").with_organised_by(request.user)
    event = get_object_or_404(events, slug=slug)
    organiser_ids = organiser_ids_of(request.user, event)
    perms = event_permissions(request.user, event, organiser_ids=organiser_ids)
    if not perms.view:
        raise Http404
    return event, perms


def _render_detail(
    request, event: Event, perms: EventPermissions, *, form=None, error: str = "", status=200
):
    counts = queries.registration_counts([event], viewer=request.user)[event.pk]
    sign_up = queries.sign_up_state(event, viewer=request.user, counts=counts)
    context = {
        "event": event,
        "perms": perms,
        "counts": counts,
        "sign_up": sign_up,
        "organisers": queries.organisers_of(event, viewer=request.user),
        "form": form or RegisterForm(),
        "error": error,
        # The online link is for those with a place (and the people running it).
        "show_online_link": bool(event.online_url)
        and (sign_up.state == queries.REGISTERED or perms.check_in),
    }
    return render(request, "events/event_detail.html", context, status=status)


@require_safe
def event_detail(request, slug):
    """/events/<slug>/: everything about a meetup, and the sign-up box in the right state."""
    return _render_detail(request, *_event_or_404(request, slug))


@require_http_methods(["GET", "HEAD", "POST"])
@profile_required
def register(request, slug):
    """POST: sign up (or join the waiting list). A GET (after logging in) goes to the meetup."""
    event, perms = _event_or_404(request, slug)
    if request.method != "POST":
        return redirect(event)
    form = RegisterForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, event, perms, form=form, status=400)
    try:
        registration = register_for_event(
            event=event, member=request.user, note=form.cleaned_data["note"]
        )
    except DomainError as error:
        return _render_detail(
            request, event, perms, form=form, error=error.message, status=error.status
        )
    if registration.status == Registration.Status.CONFIRMED:
        messages.success(
            request,
            _("You are signed up. We sent you a confirmation with the meetup for your calendar."),
        )
    else:
        messages.info(
            request,
            _(
                "You are on the waiting list. When a place comes free, it is yours "
                "automatically and we mail you."
            ),
        )
    return redirect(event)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cancel(request, slug):
    """POST: cancel your own sign-up (or leave the waiting list)."""
    event, perms = _event_or_404(request, slug)
    if request.method != "POST":
        return redirect(event)
    try:
        cancelled = cancel_own_registration(event=event, member=request.user)
    except DomainError as error:
        return _render_detail(request, event, perms, error=error.message, status=error.status)
    if cancelled.registration.confirmed_at:
        messages.success(
            request, _("You are no longer signed up. Your place goes to the next in line.")
        )
    else:
        messages.success(request, _("You have left the waiting list."))
    return redirect(event)


# Calendar files -----------------------------------------------------------------------


@require_safe
def event_ics(request, slug):
    """/events/<slug>/ics/: one meetup for a calendar app (cancelled ones marked cancelled)."""
    event, _perms = _event_or_404(request, slug)
    return ics_response([event_entry(event)], name=event.title, filename=f"{event.slug}.ics")


@require_safe
def events_feed(request):
    """/events/feed.ics: every published coming meetup, and the cancelled ones as cancelled."""
    events = Event.objects.listed().upcoming().select_related("venue")
    return ics_response(
        [event_entry(event) for event in events],
        name=_("'t LEF meetups"),
        filename="lef-meetups.ics",
    )


# At the door ----------------------------------------------------------------------------


def _door_event(request, slug: str, *, registration_id: int | None = None) -> Event:
    """The meetup of a door page, for its organisers and coordinators only. One query.

    Whether the viewer organises it is read with it; with ``registration_id``,
    also whether that sign-up is the meetup's (``has_registration``).
    """
    events = Event.objects.all()
    if registration_id is not None:
        sign_up = Registration.objects.filter(pk=registration_id, event=OuterRef("pk"))
        events = events.annotate(has_registration=Exists(sign_up))
    event, perms = _event_or_404(request, slug, events)
    if not perms.check_in:
        raise PermissionDenied
    return event


# The door list's query parameter after a walk-in was added: the search is focused.
ADDED = "added"


def _door_url(event: Event, q: str = "") -> str:
    url = reverse("events:check_in", kwargs={"slug": event.slug})
    return f"{url}?{urlencode({'q': q})}" if q else url


def _render_door(
    request,
    event: Event,
    *,
    q: str = "",
    error: str = "",
    status: int = 200,
    guest_form=None,
    search=None,
    focus_search: bool = False,
):
    search = search or DoorSearchForm({"q": q})
    q = search.query()
    rows = queries.door_list(event, q=q)
    context = {
        "event": event,
        "door_url": _door_url(event),
        "search": search,
        "q": q,
        "rows": rows,
        "candidates": queries.walk_in_candidates(event, q=q),
        "attendance": queries.attendance(event, door=None if q else rows),
        "guest_form": guest_form or GuestWalkInForm(),
        "error": error,
        "focus_search": focus_search,
    }
    response = _render_maybe_partial(request, "events/check_in.html", "door", context, status)
    if context["partial"] and request.method == "POST":
        # A refused check-in from a row's button: the whole list answers, in its place.
        response["HX-Retarget"] = "#door"
        response["HX-Reswap"] = "outerHTML"
    return response


def _render_toggled(request, event: Event, registration: Registration):
    """htmx: the person's row again, and the counts (out of band), from the door's template.

    The list's form targets the whole list; this answer goes in the person's row
    instead. A walk-in whose check-in is undone leaves the list: their row is empty.
    """
    context = {
        "event": event,
        "row": next(iter(queries.door_list(event, pk=registration.pk)), None),
        "attendance": queries.attendance(event),
        "oob": True,
    }
    response = render(request, "events/check_in.html#toggled", context)
    response["HX-Retarget"] = f"#{queries.door_row_id(registration.pk)}"
    response["HX-Reswap"] = "outerHTML"
    return response


@never_cache  # names and notes of everyone at the door: no cache may keep them
@login_required
@second_factor_required_for_staff  # a coordinator at the door: the back office
@require_safe
def check_in_page(request, slug):
    """/events/<slug>/check-in/: find a name, tap to check in; walk-ins; who is here by sector."""
    event = _door_event(request, slug)
    search = DoorSearchForm(request.GET)
    status = 400 if search.is_bound and not search.is_valid() else 200
    # Just after a walk-in: the cursor waits in the empty search for the next person.
    focus = ADDED in request.GET
    return _render_door(request, event, search=search, status=status, focus_search=focus)


@login_required
@second_factor_required_for_staff  # a coordinator at the door: the back office
@require_POST
def check_in_toggle(request, slug, registration_id: int):
    """POST ``action=in`` or ``action=undo`` for one person on the door list."""
    event = _door_event(request, slug, registration_id=registration_id)
    if not event.has_registration:
        raise Http404
    # The service reads the sign-up again, under the meetup's lock: it needs no more.
    registration = Registration(pk=registration_id, event=event)
    q = request.POST.get("q", "")[:100]
    action = request.POST.get("action")
    if action not in {"in", "undo"}:
        return _render_door(request, event, q=q, error=_("Choose check in or undo."), status=400)
    service = check_in if action == "in" else undo_check_in
    try:
        registration = service(registration=registration, by=request.user)
    except DomainError as error:
        return _render_door(request, event, q=q, error=error.message, status=error.status)
    if _is_partial(request):
        return _render_toggled(request, event, registration)
    return redirect(_door_url(event, q))


@login_required
@second_factor_required_for_staff  # a coordinator at the door: the back office
@require_POST
def walk_in(request, slug):
    """POST a member (``member``: their id) or a guest (``guest_name``, ``sector``, and an
    optional ``guest_email``) at the door; then back to the empty search, focused."""
    event = _door_event(request, slug)
    q = request.POST.get("q", "")[:100]
    guest_form = None
    try:
        if "member" in request.POST:
            form = MemberWalkInForm(request.POST)
            if not form.is_valid():
                raise Http404
            member = get_object_or_404(
                User.objects.select_related("profile"),
                pk=form.cleaned_data["member"],
                is_active=True,
            )
            registration = add_walk_in(event=event, by=request.user, member=member)
        else:
            guest_form = GuestWalkInForm(request.POST)
            if not guest_form.is_valid():
                return _render_door(request, event, q=q, guest_form=guest_form, status=400)
            registration = add_walk_in(event=event, by=request.user, **guest_form.cleaned_data)
    except DomainError as error:
        return _render_door(
            request, event, q=q, guest_form=guest_form, error=error.message, status=error.status
        )
    messages.success(request, _("%(name)s is checked in.") % {"name": registration.person_name})
    # Back to an empty search, ready for the next person at the door.
    return redirect(f"{_door_url(event)}?{ADDED}=1")
