from django.conf import settings


def site(request):
    """Values every page's layout needs."""
    return {"LEF_CONTACT_EMAIL": settings.LEF_CONTACT_EMAIL, "LEF_SITE_URL": settings.LEF_SITE_URL}
