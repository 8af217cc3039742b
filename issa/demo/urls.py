from django.urls import path

from . import views

app_name = "phone"
urlpatterns = [path("", views.phone, name="phone")]
