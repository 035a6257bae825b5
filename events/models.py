from django.db import models
from django.utils.translation import gettext_lazy as _


class Venue(models.Model):
    """A place where meetups happen, such as PLNT in Leiden."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    address = models.CharField(_("address"), max_length=200)
    city = models.CharField(_("city"), max_length=80, default="Leiden")
    description = models.TextField(_("description"), blank=True)
    accessibility = models.TextField(
        _("accessibility"), blank=True, help_text=_("Step-free access, lift, quiet room, ...")
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]

    def __str__(self):
        return self.name
