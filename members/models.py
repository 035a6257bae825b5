from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import validate_slug
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lef.choices import CoreActivity, Role, Sector
from members.usernames import unique_username


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
        validators=[validate_slug],
        help_text=_(
            "Used in the address of your profile. Letters, digits, hyphens and underscores only."
        ),
        error_messages={"unique": _("This username is already taken.")},
    )
    email = models.EmailField(_("email address"), blank=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
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

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SCHOOL)
    sectors = ArrayField(
        models.CharField(max_length=8, choices=Sector.choices),
        verbose_name=_("sectors"),
        default=list,
        blank=True,
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="organisations/", blank=True)
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


class ProfileQuerySet(models.QuerySet):
    def listed(self):
        """Profiles of active members who finished onboarding."""
        return self.filter(user__is_active=True, onboarded_at__isnull=False)

    def visible_to(self, user):
        """What ``user`` may see: members see members-only profiles, visitors public ones."""
        profiles = self.listed()
        if not (user and user.is_authenticated):
            profiles = profiles.filter(visibility=Profile.Visibility.PUBLIC)
        return profiles


class Profile(models.Model):
    """What a member shows of themselves. One per user, created with the user."""

    class Visibility(models.TextChoices):
        MEMBERS = "members", _("Members only")
        PUBLIC = "public", _("Public")

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="profile"
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
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    core_activities = ArrayField(
        models.CharField(max_length=20, choices=CoreActivity.choices),
        verbose_name=_("core activities"),
        default=list,
        blank=True,
    )
    expertise = ArrayField(
        models.CharField(max_length=50),
        verbose_name=_("expertise"),
        default=list,
        blank=True,
    )
    bio = models.TextField(_("about me"), blank=True)
    avatar = models.CharField(
        _("avatar"),
        max_length=200,
        blank=True,
        help_text=_("Storage name stem of the avatar; sizes are stored beside it."),
    )
    website = models.URLField(_("website"), blank=True)
    open_to_collaboration = models.BooleanField(_("open to collaboration"), default=False)
    looking_for = models.CharField(_("looking for"), max_length=200, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    notification_settings = models.JSONField(_("notification settings"), default=dict, blank=True)
    onboarded_at = models.DateTimeField(_("onboarding completed at"), null=True, blank=True)
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
        ]

    def __str__(self):
        return str(self.user)

    @property
    def sectors(self) -> list[str]:
        """The primary sector first, then the others, without repeats."""
        ordered = [self.primary_sector, *self.other_sectors] if self.primary_sector else []
        return list(dict.fromkeys(s for s in ordered if s))

    @property
    def core_activity_labels(self) -> list[str]:
        """The member's core activities as translated labels, in the vocabulary's order."""
        return [label for value, label in CoreActivity.choices if value in self.core_activities]

    @property
    def is_complete_enough(self) -> bool:
        """Onboarding asks for at least name, primary sector and organisation."""
        return bool(self.user.name and self.primary_sector and self.organisation_id)


class Notice(models.Model):
    """One notice for one member, sent immediately or in a daily digest.

    ``key`` identifies what the notice is about (e.g. ``project:12:request:40``);
    the unique constraint makes sending the same notice twice impossible, even
    when two requests try at once.
    """

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily digest")
        OFF = "off", _("Off")

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="members_notice_once"),
        ]
        indexes = [models.Index(fields=["delivery", "sent_at"], name="members_notice_pending_idx")]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id}"


class ContactMessage(models.Model):
    """A message one member sent another through the site (kept for rate limits)."""

    sender = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="sent_messages"
    )
    recipient = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="received_messages"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self):
        return f"{self.sender_id} → {self.recipient_id}"
