from django.http import HttpRequest, HttpResponse


def phone(request: HttpRequest) -> HttpResponse:
    return HttpResponse("virtual phone")
