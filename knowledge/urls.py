"""/knowledge/: the library and result pages, and (knowledge.urls_publish) publishing results."""

from knowledge.urls_publish import urlpatterns as publish_urlpatterns

app_name = "knowledge"

urlpatterns = [
    *publish_urlpatterns,
]
