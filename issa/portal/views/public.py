"""Pages for visitors who are not signed in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/start.html")


urlpatterns = [
    path("", start, name="start"),
]
