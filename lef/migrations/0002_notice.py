import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    # Keep the admin's permissions and log entries attached to the moved model.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="members", model="notice").update(app_label="lef")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="lef", model="notice").update(app_label="members")


class Migration(migrations.Migration):
    """Take over members' notice table (members 0005 let go of it) as lef.Notice."""

    dependencies = [
        ("lef", "0001_cache_table"),
        ("members", "0005_move_notice_to_lef"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("kind", models.CharField(max_length=30)),
                        ("key", models.CharField(max_length=200)),
                        ("subject", models.CharField(max_length=200)),
                        ("body", models.TextField()),
                        (
                            "delivery",
                            models.CharField(
                                choices=[
                                    ("immediate", "Immediately"),
                                    ("daily", "Daily digest"),
                                    ("off", "Off"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notices",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notice",
                        "verbose_name_plural": "notices",
                        "db_table": "members_notice",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("recipient", "key"), name="members_notice_once"
                            )
                        ],
                        "indexes": [
                            models.Index(
                                fields=["delivery", "sent_at"], name="members_notice_pending_idx"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="notice", table=None),
        migrations.RunPython(move_content_type, restore_content_type),
        migrations.RenameIndex(
            model_name="notice",
            new_name="lef_notice_pending_idx",
            old_name="members_notice_pending_idx",
        ),
        migrations.RemoveConstraint(model_name="notice", name="members_notice_once"),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(
                fields=("recipient", "key"), name="lef_notice_once"
            ),
        ),
    ]
