"""URL map: the JSON API under /api/v1/, the admin, and the public web pages."""

from django.contrib import admin
from django.urls import include, path

from qihub.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("qihub.web.urls")),
]
