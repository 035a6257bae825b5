"""The site's URLs plus the floor page, for the benchmark only.

The floor is the base layout (navigation, footer, messages) with no content of
its own: every page costs at least this much.
"""

from django.urls import path
from django.views.generic import TemplateView

from lef.urls import urlpatterns as site_urlpatterns

FLOOR_PATH = "/__bench__/floor/"

urlpatterns = [
    path(FLOOR_PATH.strip("/") + "/", TemplateView.as_view(template_name="base.html")),
    *site_urlpatterns,
]
