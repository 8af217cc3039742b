"""The portal's URL map: each area's view module carries its own ``urlpatterns``."""

from .menu import HOME, MOBILE, only_for_patterns
from .views import account, consents, corporate, home, public
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
    # HOME-1: areas of a mobile number refuse home-and-office users (issa.portal.menu.only_for)
    *only_for_patterns(info_views.urlpatterns, MOBILE),
    *only_for_patterns(services_views.urlpatterns, MOBILE),
    *only_for_patterns(numbering_views.urlpatterns, MOBILE),
    *only_for_patterns(payments_views.urlpatterns, MOBILE, names=["payment_settings"]),
    *finance_views.urlpatterns,
    *bills_views.urlpatterns,
    *only_for_patterns(detail_views.urlpatterns, MOBILE, instead={"stats": "portal:home_traffic"}),
    *support_views.urlpatterns,
    *only_for_patterns(home.urlpatterns, HOME),
]
