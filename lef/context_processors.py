from django.conf import settings


def site(request):
    """Values every page's layout needs."""
    return {"LEF_CONTACT_EMAIL": settings.LEF_CONTACT_EMAIL}
