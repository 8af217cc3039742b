from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.start, name="start"),
    path("login/", views.login_placeholder, name="login"),
    path("home/", views.home, name="home"),
]
