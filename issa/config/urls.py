"""URL map: portal at the root, API under /api/, USSD gateway, staff back office, health."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from issa.core.views import healthz

from .api import api

admin.site.site_header = "ISSA — бэк-офис оператора"
admin.site.site_title = "ISSA"
admin.site.index_title = "Бэк-офис"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("ussd/", include("issa.ussd.urls")),
    path("staff/", admin.site.urls),
    path("", include("issa.portal.urls")),
]

if settings.ISSA_VIRTUAL_PHONE:
    urlpatterns.insert(0, path("phone/", include("issa.demo.urls")))
