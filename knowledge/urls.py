"""/knowledge/: the library and result pages, OAI-PMH, and (knowledge.urls_publish) publishing."""

from django.urls import path

from knowledge import oai, views
from knowledge.urls_origins import urlpatterns as origins_urlpatterns
from knowledge.urls_publish import urlpatterns as publish_urlpatterns

app_name = "knowledge"

urlpatterns = [
    path("", views.library, name="library"),
    # Before the result pages: "oai" is no result's address.
    path("oai", oai.endpoint, name="oai"),
    *origins_urlpatterns,
    *publish_urlpatterns,
    path("<slug:slug>/", views.result_detail, name="result"),
]
