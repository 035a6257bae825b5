from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lef.choices import CoreActivity, Role, Sector
from lef.images import ImageKind, StoredImageField
from lef.tags import TagsField
from lef.validators import validate_multiline_text, validate_plain_text
from members.usernames import unique_username, validate_username_available

# Avatars: 64 for lists and cards (and 32 px at 2x), 160 for the profile page
# (and 80 px at 2x), 400 for a sharp large view. Shown at 400 px at most, so 25
# megapixels (any phone's normal photo is 12-24) is plenty, and more is refused
# from the header, before seconds of decoding.
AVATARS = ImageKind("avatars", sizes=(64, 160, 400), square=True, max_pixels=25_000_000)
# Logos are shown at 56 and 96 CSS pixels: 240 is sharp on any screen.
LOGOS = ImageKind("organisations", sizes=(240,))


class MemberManager(UserManager):
    """Users log in by email; the username is derived from the name."""

    def _create_user_object(self, username, email, password, **extra_fields):
        email = self.normalize_email(email)
        if not username:
            username = unique_username(extra_fields.get("name", ""), email)
        return super()._create_user_object(username, email, password, **extra_fields)

    def create_user(self, email=None, password=None, username=None, **extra_fields):
        user = super().create_user(username, email, password, **extra_fields)
        Profile.objects.create(user=user)
        return user

    def create_superuser(self, email=None, password=None, username=None, **extra_fields):
        user = super().create_superuser(username, email, password, **extra_fields)
        Profile.objects.create(user=user)
        return user


class User(AbstractUser):
    """A person with an account. Logs in by email; ``username`` names the profile URL."""

    username = models.CharField(
        _("username"),
        max_length=40,
        unique=True,
        validators=[validate_slug, validate_username_available],
        help_text=_(
            "Used in the address of your profile. Letters, digits, hyphens and underscores only."
        ),
        error_messages={"unique": _("This username is already taken.")},
    )
    email = models.EmailField(_("email address"), blank=True)
    name = models.CharField(
        _("name"), max_length=150, blank=True, validators=[validate_plain_text]
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the mail 't LEF sends this member."),
    )
    first_name = None
    last_name = None

    objects = MemberManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name", "username"]
        indexes = [
            # The directory lists members by name, a page at a time.
            models.Index(Lower("name"), "username", name="members_user_name_ci_idx"),
            # The few deactivated accounts, which Profile.objects.listed() leaves
            # out: a tiny index read once per statement instead of every user row.
            models.Index(
                fields=["id"],
                name="members_user_inactive_idx",
                condition=models.Q(is_active=False),
            ),
        ]
        constraints = [
            # Case-insensitively unique; empty for anonymised accounts.
            models.UniqueConstraint(
                Lower("email"),
                name="members_user_email_ci_unique",
                condition=~models.Q(email=""),
            ),
        ]

    def __str__(self):
        return self.name or self.username

    def get_absolute_url(self):
        return reverse("members:detail", kwargs={"username": self.username})

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.username


class OrganisationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Organisation.Status.APPROVED)

    def selectable_by(self, user):
        """What ``user`` may give as their organisation: approved ones, and their own proposals.

        The one rule behind the profile forms, the services and the admin
        (``Profile.clean`` checks it).
        """
        approved = models.Q(status=Organisation.Status.APPROVED)
        if user is None or user.pk is None:
            return self.filter(approved)
        return self.filter(
            approved | models.Q(status=Organisation.Status.PROPOSED, proposed_by_id=user.pk)
        )


class Organisation(models.Model):
    """A school, school board, university, the municipality, an institute or a start-up."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        BOARD = "board", _("School board")
        UNIVERSITY = "university", _("University or university of applied sciences")
        MUNICIPALITY = "municipality", _("Municipality")
        INSTITUTE = "institute", _("Knowledge institute")
        STARTUP = "startup", _("Education start-up or initiative")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        MERGED = "merged", _("Merged into another")
        DECLINED = "declined", _("Declined")

    name = models.CharField(_("name"), max_length=160, validators=[validate_plain_text])
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SCHOOL)
    sectors = ArrayField(
        models.CharField(max_length=8, choices=Sector.choices),
        verbose_name=_("sectors"),
        default=list,
        blank=True,
    )
    description = models.TextField(
        _("description"), blank=True, validators=[validate_multiline_text]
    )
    website = models.URLField(_("website"), blank=True)
    logo = StoredImageField(_("logo"), kind=LOGOS)
    is_partner = models.BooleanField(_("partner of 't LEF"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    proposed_by = models.ForeignKey(
        User,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_organisations",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisations:detail", kwargs={"slug": self.slug})


def ordered_sectors(primary_sector: str, other_sectors: list[str]) -> list[str]:
    """A member's sectors (:attr:`Profile.sectors`): the primary first, without repeats."""
    ordered = [primary_sector, *other_sectors] if primary_sector else []
    return list(dict.fromkeys(s for s in ordered if s))


# The one definition of "has finished onboarding" (see Profile.is_onboarded).
ONBOARDED = models.Q(onboarded_at__isnull=False) & ~models.Q(primary_sector="")


class ProfileQuerySet(models.QuerySet):
    def onboarded(self):
        """Profiles that finished the first step: :attr:`Profile.is_onboarded` in SQL."""
        return self.filter(ONBOARDED)

    def listed(self):
        """Profiles of active members who finished onboarding.

        Written as "not one of the deactivated users" rather than a join on the
        active ones: PostgreSQL reads the few deactivated ids once (from
        members_user_inactive_idx) into a hash and checks each profile against
        it, so counts come from the narrow partial indexes of the profiles alone
        instead of a hash join with every user row (directory count 2.5 ->
        0.7 ms, members per sector 3.7 -> 2.0 ms on 10 000 members).
        """
        deactivated = User.objects.filter(is_active=False).values("pk")
        return self.onboarded().exclude(user__in=deactivated)

    def visible_to(self, user):
        """What ``user`` may see: members see members-only profiles, visitors public ones.

        :func:`is_shown` asks the same of one member already read.
        """
        profiles = self.listed()
        if audience(user) == PUBLIC_AUDIENCE:
            profiles = profiles.filter(visibility=Profile.Visibility.PUBLIC)
        return profiles


# Who is shown to whom ---------------------------------------------------------------------

# The two audiences: what a viewer may see of people depends only on being signed in.
MEMBERS_AUDIENCE = "members"
PUBLIC_AUDIENCE = "public"


def audience(user) -> str:
    """Who ``user`` is to the people on a page (:func:`is_shown`): signed in or not."""
    return MEMBERS_AUDIENCE if user is not None and user.is_authenticated else PUBLIC_AUDIENCE


def is_shown(person, seen_by: str) -> bool:
    """May ``seen_by`` (an :func:`audience`) see who ``person`` is: their name, photo,
    sector and a link to their profile? Otherwise a page says "a member of 't LEF".

    The one rule for every app (team lists, authors, organisers): that of
    :meth:`ProfileQuerySet.visible_to`, for one member already read with their
    profile's visibility, sector and onboarding moment (no query); so a name
    shown links to a profile that opens. Members see every active member who
    finished onboarding, visitors only those of them whose profile is public.
    """
    profile = getattr(person, "profile", None) if person is not None else None
    return bool(
        profile is not None
        and person.is_active
        and profile.is_onboarded
        and (seen_by == MEMBERS_AUDIENCE or profile.visibility == Profile.Visibility.PUBLIC)
    )


class Profile(models.Model):
    """What a member shows of themselves. One per user, created with the user."""

    class Visibility(models.TextChoices):
        MEMBERS = "members", _("Members only")
        PUBLIC = "public", _("Public")

    user = models.OneToOneField(
        User,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile",
    )
    primary_sector = models.CharField(
        _("primary sector"), max_length=8, choices=Sector.choices, blank=True
    )
    other_sectors = ArrayField(
        models.CharField(max_length=8, choices=Sector.choices),
        verbose_name=_("other sectors"),
        default=list,
        blank=True,
    )
    roles = ArrayField(
        models.CharField(max_length=20, choices=Role.choices),
        verbose_name=_("roles"),
        default=list,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profiles",
    )
    job_title = models.CharField(
        _("job title"), max_length=120, blank=True, validators=[validate_plain_text]
    )
    core_activities = ArrayField(
        models.CharField(max_length=20, choices=CoreActivity.choices),
        verbose_name=_("core activities"),
        default=list,
        blank=True,
    )
    expertise = TagsField(verbose_name=_("expertise"))
    bio = models.TextField(_("about me"), blank=True, validators=[validate_multiline_text])
    avatar = StoredImageField(
        _("avatar"),
        kind=AVATARS,
        help_text=_("Storage name stem of the avatar; sizes are stored beside it."),
    )
    website = models.URLField(_("website"), blank=True)
    open_to_collaboration = models.BooleanField(_("open to collaboration"), default=False)
    looking_for = models.CharField(
        _("looking for"), max_length=200, blank=True, validators=[validate_plain_text]
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    notification_settings = models.JSONField(_("notification settings"), default=dict, blank=True)
    onboarded_at = models.DateTimeField(_("onboarding completed at"), null=True, blank=True)
    # Kept in step by the database (triggers of migrations 0007 and 0009),
    # whatever writes the profile, its user's name or its organisation.
    search_vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        indexes = [
            GinIndex(fields=["search_vector"], name="members_profile_search_gin"),
            GinIndex(fields=["expertise"], name="members_profile_expertise_gin"),
            GinIndex(fields=["core_activities"], name="members_profile_activities_gin"),
            models.Index(fields=["primary_sector"], name="members_profile_sector_idx"),
            # Listed profiles, narrow: the directory counts them without reading
            # the wide rows (bio, search vector).
            models.Index(
                fields=["user", "visibility"],
                name="members_profile_listed_idx",
                condition=ONBOARDED,
            ),
            # Listed members per sector (the visitor's home), counted from the index
            # alone instead of each member's wide row.
            models.Index(
                fields=["primary_sector", "user"],
                name="members_profile_sector_listed",
                condition=ONBOARDED,
            ),
            # The directory lists the most recently active first, a page at a time.
            models.Index(
                fields=["-updated_at", "-user"],
                name="members_profile_recent_idx",
                condition=ONBOARDED,
            ),
            # Members per organisation (the organisation filter, the cards' counts),
            # read from the index alone instead of each member's wide row.
            models.Index(
                fields=["organisation", "visibility", "user"],
                name="members_profile_org_listed_idx",
                condition=ONBOARDED,
            ),
            # The visitor's home shows the most recently active public faces; without
            # this a scan reads every public profile when few have a photo.
            models.Index(
                fields=["-updated_at", "-user"],
                name="members_profile_faces_idx",
                # "public" is Visibility.PUBLIC (not in scope inside Meta).
                condition=ONBOARDED & models.Q(visibility="public") & ~models.Q(avatar=""),
            ),
        ]

    def __str__(self):
        return str(self.user)

    @property
    def sectors(self) -> list[str]:
        """The primary sector first, then the others, without repeats."""
        return ordered_sectors(self.primary_sector, self.other_sectors)

    @property
    def core_activity_labels(self) -> list[str]:
        """The member's core activities as translated labels, in the vocabulary's order."""
        return [label for value, label in CoreActivity.choices if value in self.core_activities]

    @property
    def is_onboarded(self) -> bool:
        """Whether the member finished the first step (name, sector, organisation).

        The one rule: the onboarding view, ``profile_required``, the login
        adapter, the directory (``ProfileQuerySet.onboarded``) and Mijn LEF all
        ask this. A profile without a primary sector is not onboarded, whatever
        ``onboarded_at`` says, so it is sent back to the step that asks for it.
        """
        return self.onboarded_at is not None and bool(self.primary_sector)

    @property
    def is_complete_enough(self) -> bool:
        """Onboarding asks for at least name, primary sector and organisation."""
        return bool(self.user.name and self.primary_sector and self.organisation_id)

    def clean(self):
        """Rules every write path checks (services and the admin call ``full_clean``)."""
        errors = {}
        self.other_sectors = [
            s for s in dict.fromkeys(self.other_sectors) if s != self.primary_sector
        ]
        self.roles = list(dict.fromkeys(self.roles))
        self.core_activities = list(dict.fromkeys(self.core_activities))
        if self.onboarded_at is not None and not self.primary_sector:
            errors["primary_sector"] = _(
                "A member who finished onboarding needs a primary sector."
            )
        if self.user_id is None:
            # Only a tampered form gets here (the admin's profile without its member).
            raise ValidationError(_("A profile belongs to a member."))
        if (
            self.organisation_id is not None
            and not Organisation.objects.selectable_by(self.user)
            .filter(pk=self.organisation_id)
            .exists()
        ):
            errors["organisation"] = _(
                "Choose an approved organisation, or one this member proposed."
            )
        if errors:
            raise ValidationError(errors)


class ContactMessage(models.Model):
    """A message one member sent another through the site (kept for rate limits)."""

    sender = models.ForeignKey(
        User,
        verbose_name=_("sender"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="sent_messages",
    )
    recipient = models.ForeignKey(
        User,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="received_messages",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self):
        return f"{self.sender_id} → {self.recipient_id}"
