"""Sign-in, registration, recovery, the home page (identity issue, AUTH-*, INFO-1)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path


def login_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/start.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/start.html")


urlpatterns = [
    path("login/", login_view, name="login"),
    path("home/", home, name="home"),
]
