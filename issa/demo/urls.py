"""The virtual phone's URLs, mounted at /phone/ only when settings.ISSA_VIRTUAL_PHONE is on."""

from django.urls import path

from . import views, views_staff

app_name = "phone"
urlpatterns = [
    path("", views.phone, name="phone"),
    path("inbox/", views.inbox, name="inbox"),
    path("dial/", views.dial, name="dial"),
    path("reply/", views.reply, name="reply"),
    path("staff/", views_staff.staff_codes, name="staff_codes"),  # demo staff TOTP codes (ADR 0009)
]
