"""The shared vocabulary of DESIGN.md: codes stay, labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    PO = "po", _("Primary education (po)")
    VO = "vo", _("Secondary education (vo)")
    MBO = "mbo", _("Vocational education (mbo)")
    HO = "ho", _("Higher education (ho)")
    OTHER = "other", _("Other (municipality, institute, start-up, ...)")


class Transition(models.TextChoices):
    PO_VO = "po-vo", _("Primary to secondary (po-vo)")
    VO_MBO = "vo-mbo", _("Secondary to vocational (vo-mbo)")
    VO_HO = "vo-ho", _("Secondary to higher (vo-ho)")
    MBO_HO = "mbo-ho", _("Vocational to higher (mbo-ho)")


class CoreActivity(models.TextChoices):
    TEACHING = "teaching", _("Teaching")
    TEACHER_EDUCATION = "teacher_education", _("Teacher education")
    INNOVATION = "innovation", _("Innovation")
    RESEARCH = "research", _("Practice-based research")
    LEADERSHIP = "leadership", _("Leadership")


class Role(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    TEACHER_EDUCATOR = "teacher_educator", _("Teacher educator")
    RESEARCHER = "researcher", _("Researcher")
    STUDENT = "student", _("Student or trainee")
    SCHOOL_LEADER = "school_leader", _("School leader")
    POLICY = "policy", _("Policy or municipality")
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur")
    OTHER = "other", _("Other")


def sector_short(code: str) -> str:
    """How a sector is named in a badge: its code (po, vo, mbo, ho are Dutch words
    people use), except "other", which is said in the page's language."""
    if code == Sector.OTHER:
        return str(_("other"))
    return code
