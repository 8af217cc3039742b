from django.urls import path

from . import views

app_name = "ussd"
urlpatterns = [path("gateway", views.gateway, name="gateway")]
