"""The portal's URL map: each area's view module carries its own ``urlpatterns``."""

from .views import account, consents, public

app_name = "portal"
urlpatterns = [
    *public.urlpatterns,
    *account.urlpatterns,
    *consents.urlpatterns,
]
