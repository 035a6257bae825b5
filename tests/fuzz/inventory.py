"""Every URL that takes a POST, and how to fill in its form as the right person.

:func:`post_urls` walks the URL configuration (the site, allauth and the admin)
and finds each view that accepts POST; :data:`ENTRIES` says, for each, who
fills the form in, the address (built from the rows of :mod:`tests.fuzz.world`)
and the page the form is on. ``test_inventory`` fails when a POST-taking URL
has neither an entry nor a reason in :data:`SKIPPED`, so a new form cannot be
left out of the fuzzing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from spaces.timeslots import LOCAL

# The site's and the admin's POST-taking URLs that are not fuzzed, and why.
SKIPPED = {
    "account_logout": "signs out: no field to fuzz (its GET and CSRF are walked)",
    "admin:logout": "signs out: no field to fuzz (its GET and CSRF are walked)",
    "admin:login": "shadowed by lef.views.admin_login at the same address",
    "admin:index": "Django's admin index: reads only, whatever the method",
    "admin:app_list": "Django's app index: reads only, whatever the method",
    "admin:jsi18n": "Django's JavaScript catalogue: reads only",
    "admin:autocomplete": "Django's autocomplete: reads only (JSON of a search)",
    "admin:view_on_site": "Django's 'view on site' redirect: reads only",
    "admin:password_change_done": "Django's thank-you page: reads only",
    "admin:spaces_booking_occupancy": "a report of the week given in the query string: reads only",
    "admin/(?P<url>.*)$": "Django's catch-all 404 of the admin",
    "account_email_verification_sent": "allauth's page of text, a function without a method list",
    # OAI-PMH asks every repository to answer POST as GET (tests/knowledge/test_oai.py).
    "knowledge:oai": "OAI-PMH: reads only; a harvester's POST is a GET with a body",
    # A passkey is made by a browser's authenticator (tests/browser/test_passkeys.py): the
    # world has none, and both ask to re-authenticate before they look for the key.
    "mfa_edit_webauthn": "renames one of the member's passkeys: the world has none",
    "mfa_remove_webauthn": "removes one of the member's passkeys: the world has none",
}


def _skipped_pattern(key: str) -> str | None:
    """Reasons that hold for every model of the admin."""
    if key.startswith("admin:") and key.endswith("_history"):
        return "Django's history of a row: reads only, whatever the method"
    if key.startswith("admin/") and key.endswith("<path:object_id>/"):
        return "Django's redirect of a row's old address to its change page"
    return None


def skip_reason(key: str) -> str | None:
    return SKIPPED.get(key) or _skipped_pattern(key)


# Walking the URL configuration ---------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str
    methods: frozenset[str] | None  # None: the view takes any method


def _methods(callback) -> frozenset[str] | None:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        methods = {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
        if "GET" in methods:
            methods.add("HEAD")  # View.setup() answers HEAD with get()
        return frozenset(methods)
    function = callback
    while function is not None:
        code = getattr(function, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = function.__closure__[code.co_freevars.index("request_method_list")]
            return frozenset(cell.cell_contents)
        function = getattr(function, "__wrapped__", None) or getattr(function, "__func__", None)
    return None


def _walk(resolver, namespace="", prefix=""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            key = f"{namespace}{pattern.name}" if pattern.name else route
            yield Route(key, route, _methods(pattern.callback))


def all_routes() -> list[Route]:
    seen, routes = set(), []
    for route in _walk(get_resolver()):
        if route.key not in seen:  # the first of two patterns of one name wins, as in reverse()
            seen.add(route.key)
            routes.append(route)
    return routes


def post_urls() -> list[Route]:
    """Every URL whose view may take a POST (a view without a method decorator may)."""
    return [r for r in all_routes() if r.methods is None or "POST" in r.methods]


# The entries ---------------------------------------------------------------------------


@dataclass
class Entry:
    """One form to fuzz: who posts it, where, and where the form is shown."""

    key: str
    role: str
    path: Callable
    page: Callable | None = None  # the page with the form (default: ``path``)
    # Admin actions: the data that opens the action's own form (a POST to the changelist).
    opener: Callable | None = None
    fields: dict = field(default_factory=dict)  # fields no page shows (added to the form's)
    # The page redirects to the form at an address of its own, which is the one to post to.
    moves: bool = False
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.key}{'[' + self.label + ']' if self.label else ''}"


def url(name, **kwargs):
    return lambda world: reverse(name, kwargs={k: v(world) for k, v in kwargs.items()})


def attr(*names):
    def get(world):
        value = world
        for name in names:
            value = getattr(value, name)
        return value

    return get


def _confirm_key(world):
    """A key for an address that is not verified yet and that no other account has
    verified, whatever ran before in this world (the admin's "mark verified" action,
    say): allauth shows no form for a verified address, for one confirmed by another
    account ("already confirmed by a different account"), or for a key whose address
    is gone ("expired or invalid")."""
    address = world.unverified_email
    EmailAddress.objects.filter(email__iexact=address.email).exclude(pk=address.pk).delete()
    EmailAddress.objects.update_or_create(
        pk=address.pk,
        defaults={"user": address.user, "email": address.email, "verified": False},
    )
    address.verified = False
    return EmailConfirmationHMAC(address).key


def _book_page(world):
    """The booking form of the resource, for an hour tomorrow afternoon."""
    day = world.booking.start.astimezone(LOCAL).date()
    query = urlencode({"day": day.isoformat(), "start_time": "14:00", "end_time": "15:00"})
    return reverse("spaces:book", args=[world.resource.slug]) + "?" + query


CODE = {"code": [""]}
SAVE = {"_save": ["Save"]}
SURE = {"post": ["yes"]}
BARE = {"csrfmiddlewaretoken": [""]}  # a form of no fields of its own


def _reset_path(world):
    user = world.users["member"]
    return reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )


slug = attr("project", "slug")
event_slug = attr("event", "slug")

SITE = [
    Entry("set_language", "visitor", url("set_language"), page=url("home")),
    Entry("calendar_settings", "member", url("calendar_settings")),
    # allauth
    Entry("account_login", "visitor", url("account_login")),
    Entry("account_signup", "visitor", url("account_signup")),
    Entry("account_reset_password", "visitor", url("account_reset_password")),
    Entry("account_reset_password_from_key", "visitor", _reset_path, moves=True),
    Entry("account_confirm_email", "visitor", url("account_confirm_email", key=_confirm_key)),
    Entry("account_confirm_login_code", "visitor", url("account_confirm_login_code"), fields=CODE),
    Entry("account_reauthenticate", "member", url("account_reauthenticate")),
    Entry(
        "account_request_reauthentication_code",
        "member",
        url("account_request_reauthentication_code"),
    ),
    Entry(
        "account_confirm_reauthentication_code",
        "member",
        url("account_confirm_reauthentication_code"),
        fields=CODE,
    ),
    Entry("account_email", "member", url("account_email")),
    Entry("account_change_password", "member", url("account_change_password")),
    Entry(
        "account_set_password",
        "member",
        url("account_set_password"),
        fields={"password1": [""], "password2": [""]},
    ),
    Entry("admin_login", "visitor", url("admin_login"), fields={"login": [""], "password": [""]}),
    # allauth's second factor
    Entry("mfa_authenticate", "visitor", url("mfa_authenticate"), fields=CODE),
    Entry("mfa_reauthenticate", "coordinator", url("mfa_reauthenticate"), fields=CODE),
    Entry("mfa_activate_totp", "member", url("mfa_activate_totp"), fields=CODE),
    # Both ask to re-authenticate first (a forced login is not recent enough): a bare POST.
    Entry("mfa_deactivate_totp", "coordinator", url("mfa_deactivate_totp"), fields=BARE),
    Entry(
        "mfa_generate_recovery_codes",
        "coordinator",
        url("mfa_generate_recovery_codes"),
        fields=BARE,
    ),
    # Passkeys: a credential the browser's authenticator signed, in a hidden field.
    Entry("mfa_login_webauthn", "visitor", url("mfa_login_webauthn"), page=url("account_login")),
    Entry("mfa_add_webauthn", "member", url("mfa_add_webauthn"), fields=BARE),  # re-auth first
    Entry(
        "mfa_reauthenticate_webauthn",
        "coordinator",
        url("mfa_reauthenticate_webauthn"),
        fields={"credential": [""]},
    ),
    # members
    Entry("members:edit", "member", url("members:edit")),
    Entry("members:onboarding", "newcomer", url("members:onboarding")),
    Entry("members:interests", "member", url("members:interests")),
    Entry("members:delete", "member", url("members:delete")),
    Entry(
        "members:contact", "member", url("members:contact", username=attr("teammate", "username"))
    ),
    # projects
    Entry("projects:start", "member", url("projects:start")),
    Entry("projects:edit", "lead", url("projects:edit", slug=slug)),
    Entry(
        "projects:join",
        "member",
        url("projects:join", slug=slug),
        page=url("projects:detail", slug=slug),
    ),
    Entry("projects:leave", "team", url("projects:leave", slug=slug)),
    Entry(
        "projects:team_member",
        "lead",
        url("projects:team_member", slug=slug, membership_id=attr("team_place", "pk")),
        page=url("projects:team", slug=slug),
    ),
    Entry(
        "projects:invite",
        "lead",
        url("projects:invite", slug=slug),
        page=lambda world: reverse("projects:invite", args=[world.project.slug]) + "?q=Lid",
    ),
    Entry(
        "projects:decide",
        "lead",
        url("projects:decide", slug=slug, membership_id=attr("request", "pk")),
        page=url("projects:team", slug=slug),
    ),
    Entry(
        "projects:answer",
        "member",
        url(
            "projects:answer",
            slug=attr("invitation", "project", "slug"),
            membership_id=attr("invitation", "pk"),
        ),
        page=url("projects:detail", slug=attr("invitation", "project", "slug")),
    ),
    Entry(
        "projects:updates",
        "lead",
        url("projects:updates", slug=slug),
        page=url("projects:detail", slug=slug),
    ),
    Entry(
        "projects:hide_update",
        "lead",
        url("projects:hide_update", slug=slug, update_id=attr("update", "pk")),
        page=url("projects:updates", slug=slug),
    ),
    Entry(
        "projects:moderate",
        "coordinator",
        url("projects:moderate", slug=slug),
        page=url("projects:detail", slug=slug),
    ),
    # events
    Entry(
        "events:register",
        "startup",
        url("events:register", slug=event_slug),
        page=url("events:detail", slug=event_slug),
    ),
    Entry(
        "events:register",
        "member",
        url("events:register", slug=event_slug),
        fields={"note": [""]},
        label="again",
    ),
    Entry(
        "events:cancel",
        "member",
        url("events:cancel", slug=event_slug),
        page=url("events:detail", slug=event_slug),
    ),
    Entry(
        "events:walk_in",
        "organiser",
        url("events:walk_in", slug=attr("walk_in_event", "slug")),
        page=url("events:check_in", slug=attr("walk_in_event", "slug")),
    ),
    Entry(
        "events:check_in_toggle",
        "organiser",
        url("events:check_in_toggle", slug=event_slug, registration_id=attr("registration", "pk")),
        page=url("events:check_in", slug=event_slug),
    ),
    # knowledge: publishing a project's results (its lead), reporting one, answering as an author
    Entry("knowledge:add", "lead", url("knowledge:add", project_slug=slug)),
    Entry(
        "knowledge:team_publishing",
        "lead",
        url("knowledge:team_publishing", project_slug=slug),
        page=url("projects:detail", slug=slug),
    ),
    Entry("knowledge:edit", "lead", url("knowledge:edit", slug=attr("result", "slug"))),
    Entry("knowledge:delete", "lead", url("knowledge:delete", slug=attr("result", "slug"))),
    Entry("knowledge:report", "member", url("knowledge:report", slug=attr("result", "slug"))),
    Entry("knowledge:authorship", "team", url("knowledge:authorship")),
    # knowledge: a project from a meetup that has started (its organiser)
    Entry(
        "knowledge:start_from_meetup",
        "organiser",
        url("knowledge:start_from_meetup", slug=attr("walk_in_event", "slug")),
    ),
    # spaces
    Entry(
        "spaces:book",
        "startup",
        url("spaces:book", slug=attr("resource", "slug")),
        page=_book_page,
    ),
    Entry("spaces:cancel", "startup", url("spaces:cancel", pk=attr("booking", "pk"))),
    Entry(
        "spaces:check_in",
        "startup",
        url("spaces:check_in", pk=attr("booking", "pk")),
        page=url("spaces:bookings"),
        fields={"next": ["home"]},
    ),
]


# The admin: each ModelAdmin's add, change and delete pages, its list (and every
# action on it), and the pages of our own.

# The rows of the world a model's change and delete pages are about.
ADMIN_ROWS = {
    "members.user": lambda world: world.users["member"],
    "members.organisation": attr("organisation"),
    "members.contactmessage": attr("message"),
    "projects.project": attr("project"),
    "projects.membership": attr("team_place"),
    "projects.projectupdate": attr("update"),
    "events.venue": attr("venue"),
    "events.event": attr("event"),
    "events.registration": attr("registration"),
    "spaces.space": attr("space"),
    "spaces.resource": attr("resource"),
    "spaces.booking": attr("booking"),
    "account.emailaddress": attr("email"),
    "auth.group": attr("group"),
}

# Models only a superuser manages (no permission of the Coordinators group).
SUPERUSER_MODELS = {
    "auth.group",
    "account.emailaddress",
    "django_tasks_database.dbtaskresult",
    "lef.notice",
}


def _row(label):
    def get(world):
        if label in ADMIN_ROWS:
            return ADMIN_ROWS[label](world)
        from django.apps import apps  # noqa: PLC0415

        return apps.get_model(label).objects.order_by("pk").first()

    return get


def _pk_of(label):
    row = _row(label)
    return lambda world: str(getattr(row(world), "pk", 0))


def _action_opener(label, action):
    def opener(world):
        return {"action": [action], "_selected_action": [_pk_of(label)(world)], "index": ["0"]}

    return opener


def admin_entries() -> list[Entry]:
    from django.contrib import admin  # noqa: PLC0415

    entries = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        label = meta.label_lower
        base = f"admin:{meta.app_label}_{meta.model_name}"
        role = "superuser" if label in SUPERUSER_MODELS else "coordinator"
        pk = _pk_of(label)
        entries += [
            Entry(f"{base}_add", role, url(f"{base}_add"), fields=SAVE),
            Entry(f"{base}_change", role, url(f"{base}_change", object_id=pk), fields=SAVE),
            Entry(f"{base}_delete", role, url(f"{base}_delete", object_id=pk), fields=SURE),
            Entry(f"{base}_changelist", role, url(f"{base}_changelist"), label="list"),
        ]
        for action in model_admin._get_base_actions():
            name = action.name
            entries.append(
                Entry(
                    f"{base}_changelist",
                    role,
                    url(f"{base}_changelist"),
                    opener=_action_opener(label, name),
                    label=name,
                )
            )
    return entries


ADMIN_OWN = [
    Entry("admin:password_change", "coordinator", url("admin:password_change")),
    Entry(
        "admin:auth_user_password_change",
        "superuser",
        url("admin:auth_user_password_change", id=lambda w: str(w.users["member"].pk)),
    ),
    Entry(
        "admin:members_organisation_approve",
        "coordinator",
        url("admin:members_organisation_approve", object_id=attr("proposed", "pk")),
        page=url("admin:members_organisation_change", object_id=attr("proposed", "pk")),
    ),
    Entry(
        "admin:members_organisation_decline",
        "coordinator",
        url("admin:members_organisation_decline", object_id=attr("proposed", "pk")),
    ),
    Entry(
        "admin:events_event_cancel_registration",
        "coordinator",
        url(
            "admin:events_event_cancel_registration",
            object_id=attr("event", "pk"),
            registration_id=attr("registration", "pk"),
        ),
    ),
    Entry(
        "admin:events_event_copy",
        "coordinator",
        url("admin:events_event_copy", object_id=attr("event", "pk")),
    ),
    Entry(
        "admin:events_event_cancel",
        "coordinator",
        url("admin:events_event_cancel", object_id=attr("event", "pk")),
    ),
    Entry("admin:spaces_booking_block", "coordinator", url("admin:spaces_booking_block")),
]


def entries() -> list[Entry]:
    return SITE + ADMIN_OWN + admin_entries()


# Walked by the GET and CSRF test only: they take a POST with no field to fuzz.
SIGN_OUTS = [
    Entry("account_logout", "member", url("account_logout")),
    Entry("admin:logout", "coordinator", url("admin:logout")),
]


def routes_by_key() -> dict:
    return {route.key: route for route in all_routes()}
