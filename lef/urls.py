from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from lef import views

admin.site.site_header = _("'t LEF back office")
admin.site.site_title = _("'t LEF back office")
admin.site.index_title = _("Leids Education Fieldlab: coordinators")

urlpatterns = [
    path("", include("home.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("members/", include("members.urls")),
    path("organisations/", include("members.urls_organisations")),
    path("projects/", include("projects.urls")),
    path("events/", include("events.urls")),
    path("spaces/", include("spaces.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("admin/login/", views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        ),
    ]
