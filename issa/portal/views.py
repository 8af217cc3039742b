"""Portal pages of the foundation: the visitors' start page. Signed-in pages come with identity."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/start.html")


def login_placeholder(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/start.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/start.html")
