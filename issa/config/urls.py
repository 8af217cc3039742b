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
    path("payments/", include("issa.payments.urls")),  # the acquirer's signed callback (FIN-5)
    path("staff/", admin.site.urls),
    path("o/", include("issa.sso.urls")),  # OpenID Connect provider for partners (AUTH-14)
    path("", include("issa.portal.urls")),
]

if settings.ISSA_VIRTUAL_PHONE:
    # The demo partner "Мелофон" (AUTH-14): a separate client that speaks only HTTP to ISSA.
    urlpatterns.insert(0, path("melofon/", include("issa.sso.partner_demo.urls")))
    urlpatterns.insert(0, path("phone/", include("issa.demo.urls")))

if settings.ISSA_SANDBOX_ACQUIRER:
    # The sandbox card acquirer (FIN-5): its own pages; speaks only HTTP to ISSA.
    urlpatterns.insert(0, path("sandbox-acquirer/", include("issa.acquirer.urls")))
