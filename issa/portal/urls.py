"""The portal's URL map: each area's view module carries its own ``urlpatterns``."""

from .views import account, consents, corporate, public
from .views import bills as bills_views
from .views import detail as detail_views
from .views import finance as finance_views
from .views import info as info_views
from .views import numbering as numbering_views
from .views import payments as payments_views
from .views import services as services_views
from .views import support as support_views

app_name = "portal"
urlpatterns = [
    *public.urlpatterns,
    *account.urlpatterns,
    *corporate.urlpatterns,
    *consents.urlpatterns,
    *info_views.urlpatterns,
    *services_views.urlpatterns,
    *numbering_views.urlpatterns,
    *payments_views.urlpatterns,
    *finance_views.urlpatterns,
    *bills_views.urlpatterns,
    *detail_views.urlpatterns,
    *support_views.urlpatterns,
]
