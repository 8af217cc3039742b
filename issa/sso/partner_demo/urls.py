from django.urls import path

from . import views

app_name = "melofon"
urlpatterns = [
    path("", views.home, name="home"),
    path("login", views.login, name="login"),
    path("callback", views.callback, name="callback"),
    path("check", views.check, name="check"),
    path("logout", views.logout, name="logout"),
]
