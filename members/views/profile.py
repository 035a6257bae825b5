"""A member's profile page, editing it, the first profile step, and messages between members."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from lef import hooks
from lef.choices import CoreActivity, Role
from lef.http import members_only, safe_next_url
from lef.tags import MAX_TAG_LENGTH, normalise_tag, normalise_tags
from members.decorators import profile_required
from members.forms import ContactForm, InterestsForm, OnboardingForm, ProfileForm
from members.matching import shared_with, suggest_members
from members.models import ContactMessage, Organisation, Profile
from members.queries import popular_expertise, suggest_expertise
from members.services import (
    ContactRateLimitedError,
    MemberActionError,
    RecipientNotAcceptingError,
    UsernameUnavailableError,
    accepts_messages,
    complete_onboarding,
    ensure_profile,
    send_contact_message,
    set_interests,
    update_profile,
)

MIN_SUGGESTION_LENGTH = 2


def _profile_for_viewer(viewer, username: str) -> Profile | None:
    """The profile at /members/<username>/ if ``viewer`` may see it.

    Visibility is ``Profile.objects.visible_to``; the owner always sees their own,
    even before onboarding. None for a visitor at a listed members-only profile
    (they get the "for members, log in" page); 404 when there is nothing to see.
    One query (profile, user and organisation joined), two for that visitor.
    For another member it brings along ``last_message_at``: when the viewer last
    wrote to this member (the date is kept, for the limits; the text never was).
    """
    profiles = Profile.objects.select_related("user", "organisation").defer("search_vector")
    if viewer.is_authenticated and viewer.username == username:
        return get_object_or_404(profiles, user=viewer)
    if viewer.is_authenticated:
        profiles = profiles.annotate(
            last_message_at=Subquery(
                ContactMessage.objects.filter(sender=viewer, recipient=OuterRef("user_id"))
                .order_by("-created_at")
                .values("created_at")[:1]
            )
        )
    try:
        # Usernames are unique: no ordering to pick the first of several.
        profile = profiles.visible_to(viewer).get(user__username=username)
    except Profile.DoesNotExist:
        profile = None
    if (
        profile is None
        and not viewer.is_authenticated
        and Profile.objects.listed().filter(user__username=username).exists()
    ):
        return None
    if profile is None:
        raise Http404
    return profile


def _labels(codes: list[str], choices) -> list[str]:
    return [choices(code).label for code in codes if code in choices.values]


@require_safe
def member_detail(request, username):
    """Everything about a member that the viewer may see, and a way to contact them."""
    profile = _profile_for_viewer(request.user, username)
    if profile is None:
        return members_only(request, what=_("This profile"))
    member = profile.user
    is_owner = request.user.is_authenticated and request.user.pk == member.pk
    organisation = profile.organisation
    show_organisation = organisation is not None and (
        organisation.status == Organisation.Status.APPROVED or is_owner
    )
    context = {
        "profile": profile,
        "member": member,
        "is_owner": is_owner,
        "show_organisation": show_organisation,
        # A proposal's page is visible to its proposer only (members.organisations).
        "organisation_linked": show_organisation
        and (
            organisation.status == Organisation.Status.APPROVED
            or organisation.proposed_by_id == member.pk
        ),
        "role_labels": _labels(profile.roles, Role),
        "activity_labels": _labels(profile.core_activities, CoreActivity),
        "accepts_messages": accepts_messages(profile),
        "website_safe": profile.website.lower().startswith(("https://", "http://")),
        # What later apps show about the member (their projects, meetups).
        "sections": hooks.profile_sections(member=member, viewer=request.user),
        "shared": [],
        "last_message_at": None,
    }
    if request.user.is_authenticated and not is_owner:
        # The viewer's own profile is cached on request.user: the layout's
        # onboarding reminder reads the same, so it costs one query for both.
        viewer_profile = getattr(request.user, "profile", None)
        context["shared"] = shared_with(viewer_profile, profile)
        context["last_message_at"] = profile.last_message_at
    return render(request, "members/profile_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request):
    """/members/me/edit/: the member's whole profile, including mail settings."""
    ensure_profile(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                profile = update_profile(user=request.user, **form.cleaned_data)
            except UsernameUnavailableError as error:
                form.add_error("username", error.message)
            except MemberActionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your profile has been saved."))
                _say_coordinators_were_told(request, profile, form.cleaned_data)
                return redirect("members:detail", username=request.user.username)
    else:
        form = ProfileForm(user=request.user)
    # A POST that comes back with errors is bad input: 400, with the messages on the form.
    status = 400 if form.is_bound else 200
    return render(request, "members/profile_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def onboarding(request):
    """/members/me/welcome/: name, sector and organisation, then back to ``next``."""
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    if ensure_profile(user=request.user).is_onboarded:
        return HttpResponseRedirect(next_url or reverse("home"))
    if request.method == "POST":
        form = OnboardingForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                profile = complete_onboarding(user=request.user, **form.cleaned_data)
            except MemberActionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Welcome to 't LEF, %(name)s!") % {"name": request.user.get_short_name()},
                )
                _say_coordinators_were_told(request, profile, form.cleaned_data)
                return HttpResponseRedirect(_with_next(reverse("members:interests"), next_url))
    else:
        form = OnboardingForm(user=request.user)
    status = 400 if form.is_bound else 200
    context = {"form": form, "next_url": next_url}
    return render(request, "members/onboarding.html", context, status=status)


def _say_coordinators_were_told(request, profile: Profile, cleaned_data: dict) -> None:
    """After a member typed a new organisation: it waits for the coordinators, who know.

    ``propose_organisation`` told them when the proposal was made (a name typed
    again finds the member's own proposal, of which they were told then).
    """
    organisation = profile.organisation
    if (
        cleaned_data.get("new_organisation_name")
        and organisation is not None
        and organisation.status == Organisation.Status.PROPOSED
    ):
        messages.info(
            request,
            _(
                "%(name)s is new on 't LEF, so we have told the coordinators. "
                "You get an email once they have looked at it; until then it shows "
                "as awaiting approval."
            )
            % {"name": organisation.name},
        )


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


POPULAR_TAGS = 12
WELCOME_SUGGESTIONS = 3


@profile_required
@require_http_methods(["GET", "HEAD", "POST"])
def onboarding_interests(request):
    """/members/me/welcome/interests/: the second, skippable step.

    Core activities and a few expertise tags (the most used ones as chips to
    tap, and a field for one's own), then on to the colleagues to meet.
    """
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    popular = popular_expertise(limit=POPULAR_TAGS)
    if request.method == "POST":
        form = InterestsForm(request.POST, user=request.user, popular_tags=popular)
        if form.is_valid():
            try:
                set_interests(
                    user=request.user,
                    core_activities=form.cleaned_data["core_activities"],
                    expertise=form.cleaned_data["expertise"],
                )
            except MemberActionError as error:
                form.add_error(None, error.message)
            else:
                return HttpResponseRedirect(_with_next(reverse("members:people"), next_url))
    else:
        form = InterestsForm(user=request.user, popular_tags=popular)
    status = 400 if form.is_bound else 200
    context = {"form": form, "next_url": next_url, "step": 2}
    return render(request, "members/onboarding_interests.html", context, status=status)


@profile_required
@require_safe
def onboarding_people(request):
    """/members/me/welcome/people/: the end of the welcome: three colleagues to meet.

    From other sectors, with what they share and a button to write to them.
    """
    next_url = safe_next_url(request, request.GET.get("next"))
    profile = request.user.profile
    suggestions = suggest_members(for_profile=profile, limit=WELCOME_SUGGESTIONS)
    context = {
        "suggestions": suggestions,
        "next_url": next_url,
        "can_be_matched": bool(profile.core_activities or profile.expertise),
        "step": 3,
    }
    return render(request, "members/onboarding_people.html", context)


@profile_required
@require_http_methods(["GET", "HEAD", "POST"])
def contact_member(request, username):
    """/members/<username>/contact/: a message by mail, without revealing addresses.

    404 when the recipient is not visible to the sender, 403 for yourself and
    for members who turned messages off (said politely on the page), 429 when
    the sender hit a rate limit.
    """
    profile = get_object_or_404(
        Profile.objects.visible_to(request.user).select_related("user"),
        user__username=username,
    )
    recipient = profile.user
    if recipient.pk == request.user.pk:
        raise PermissionDenied
    context = {"profile": profile, "recipient": recipient, "accepts_messages": True}
    if not accepts_messages(profile):
        context["accepts_messages"] = False
        status = 403 if request.method == "POST" else 200
        return render(request, "members/contact_form.html", context, status=status)

    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST)
        status = 400  # unless it is sent, or refused for another reason below
        if form.is_valid():
            try:
                send_contact_message(
                    sender=request.user, recipient=recipient, text=form.cleaned_data["message"]
                )
            except ContactRateLimitedError as error:
                form.add_error(None, error.message)
                status = 429
            except RecipientNotAcceptingError:
                context["accepts_messages"] = False
                return render(request, "members/contact_form.html", context, status=403)
            except MemberActionError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "Your message to %(name)s has been sent. If they answer, "
                        "it arrives in your mailbox."
                    )
                    % {"name": recipient},
                )
                return redirect(recipient.get_absolute_url())
    else:
        form = ContactForm()
    context["form"] = form
    return render(request, "members/contact_form.html", context, status=status)


@login_required
@require_safe
def expertise_suggestions(request):
    """htmx: buttons with existing tags matching the last tag being typed.

    Reads the expertise input's value (``?expertise=rekenen, pra``); answers with
    the ``expertise_suggestions`` partial of the profile form's template.
    """
    typed = request.GET.get("expertise", "")[:1000].split(",")
    fragment = normalise_tag(typed[-1])[:MAX_TAG_LENGTH]
    suggestions = []
    if len(fragment) >= MIN_SUGGESTION_LENGTH:
        suggestions = suggest_expertise(fragment, exclude=normalise_tags(typed[:-1]))
    return render(
        request,
        "members/profile_form.html#expertise_suggestions",
        {"suggestions": suggestions, "fragment": fragment},
    )
