from django.urls import path
from django.views.generic import TemplateView

app_name = "events"

urlpatterns = [
    # Replaced by the app's own views when its issue lands.
    path("", TemplateView.as_view(template_name="events/coming.html"), name="list"),
]
