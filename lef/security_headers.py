"""Response headers that Django's SecurityMiddleware does not set."""

from django.conf import settings

# Powerful browser features no page of the site uses. Clipboard writing stays
# allowed: the calendar page copies the feed's address (static/js/copy.js).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
)


class SecurityHeadersMiddleware:
    """``Cross-Origin-Resource-Policy: same-origin`` and a ``Permissions-Policy``.

    CORP keeps other sites from embedding our pages' responses (a member's page,
    a feed) as a resource their scripts can time or read through side channels.
    Static files and uploads are left without it: mail clients on other origins
    may show an uploaded image, and nothing in them is private.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        prefixes = (settings.STATIC_URL, settings.MEDIA_URL)
        self.public_prefixes = tuple(f"/{prefix.strip('/')}/" for prefix in prefixes if prefix)

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.public_prefixes):
            response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
