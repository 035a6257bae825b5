from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.core.checks import register


@register(deploy=True)
def check_site_url(app_configs, **kwargs):
    """Mail links are built from LEF_SITE_URL; in production it must be the public https URL."""
    if not settings.LEF_SITE_URL.startswith("https://"):
        return [
            CheckWarning(
                "LEF_SITE_URL is not an https:// address, so links in mail point elsewhere.",
                hint="Set LEF_SITE_URL to the public address, e.g. https://lef.example.nl.",
                id="lef.W001",
            )
        ]
    return []
