import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import lef.documents
from lef.coordinators import grant_to_coordinators

# Coordinators look at results and reports, hide results and handle reports
# (through the services; nobody adds or deletes results in the admin).
CODENAMES = [
    "view_result",
    "change_result",
    "hide_result",
    "view_author",
    "view_resultreport",
    "change_resultreport",
]


def grant(apps, schema_editor):
    grant_to_coordinators(apps, schema_editor, app_label="knowledge", codenames=CODENAMES)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0003_project_origin"),
        ("members", "0002_coordinators_group"),
        ("projects", "0010_membership_sector"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="result", name="knowledge_result_has_content"),
        migrations.AddConstraint(
            model_name="result",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("file_name", ""), _negated=True),
                    models.Q(("link", ""), _negated=True),
                    models.Q(("learned", ""), _negated=True),
                    _connector="OR",
                ),
                name="knowledge_result_has_content",
            ),
        ),
        migrations.AlterField(
            model_name="result",
            name="file",
            field=lef.documents.StoredDocumentField(verbose_name="file"),
        ),
        migrations.CreateModel(
            name="PublishingSetting",
            fields=[
                (
                    "project",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="publishing_setting",
                        serialize=False,
                        to="projects.project",
                        verbose_name="project",
                    ),
                ),
                (
                    "team_may_publish",
                    models.BooleanField(
                        default=False, verbose_name="team members may add results"
                    ),
                ),
                (
                    "changed_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="changed at"
                    ),
                ),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="changed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "publishing setting",
                "verbose_name_plural": "publishing settings",
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
