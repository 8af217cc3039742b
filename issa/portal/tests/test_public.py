"""The visitors' start page, the base layout, the language switch and the error pages."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from issa.core.errors import DomainError, ErrorKind
from issa.core.middleware import DomainErrorMiddleware
from issa.identity.models import User
from issa.testing.factories import SubscriberFactory, UserFactory

pytestmark = pytest.mark.django_db


def url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def test_start_page_is_russian_by_default(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru"' in html
    assert "Личный кабинет абонента" in html
    assert "Войти в аккаунт" in html
    assert "Пользователь мобильной связи" in html
    assert "Пользователь для дома и офиса" in html
    assert "ISSA</span>" in html
    assert "Личный кабинет</span>" in html


def test_register_button_appears_only_when_registration_exists(client: Client) -> None:
    html = client.get("/").content.decode()
    assert ("Зарегистрироваться" in html) is (url_or_none("portal:register") is not None)
    assert ("Забыли пароль?" in html) is (url_or_none("portal:password_reset") is not None)


def test_start_page_shows_operator_rules_from_configuration(client: Client, settings: Any) -> None:
    settings.ISSA_RULES = {"CONTACT_CENTRE": "8011", "USSD_REGISTER": "*141*9#", "PASSWORD_MAX_LENGTH": 12}
    html = client.get("/").content.decode()
    assert 'href="tel:8011"' in html
    assert "*141*9#" in html
    assert "5–12" in html


def test_log_in_button_leads_to_the_mobile_login(client: Client) -> None:
    response = client.get("/", {"kind": "mobile", "go": "login"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:login")


def test_log_in_button_leads_to_the_home_and_office_login(client: Client) -> None:
    response = client.get("/", {"kind": "home", "go": "login"})
    assert response.status_code == 302
    home_login = url_or_none("portal:home_login")
    assert response["Location"] == (home_login or reverse("portal:login") + "?kind=home")


def test_register_button_leads_to_registration(client: Client) -> None:
    register = url_or_none("portal:register")
    response = client.get("/", {"kind": "mobile", "go": "register"})
    if register is None:
        assert response.status_code == 200
    else:
        assert response["Location"] == register


def test_signed_in_visitor_is_offered_the_way_back_to_the_account(client: Client) -> None:
    user = cast(User, UserFactory(subscriber=SubscriberFactory(msisdn="375297000011")))
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Вы вошли как +375 29 700-00-11." in html
    assert "Перейти в личный кабинет" in html
    assert "Войти в аккаунт" not in html


def test_unknown_button_value_just_shows_the_page(client: Client) -> None:
    response = client.get("/", {"go": "elsewhere", "kind": "x"})
    assert response.status_code == 200


def test_base_layout_is_accessible_and_csp_clean(client: Client) -> None:
    response = client.get("/")
    html = response.content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert 'id="main"' in html
    for landmark in ("<header", "<main", "<footer"):
        assert landmark in html
    assert '<label for="lang-select"' in html
    assert 'action="/i18n/setlang/"' in html
    assert 'method="post"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    # CSP is 'self' only: no inline script or style may appear.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_assets_are_served_from_npm_packages_not_a_cdn(client: Client) -> None:
    html = client.get("/").content.decode()
    assert "/static/vendor/pico/pico.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "/static/portal/issa.js" in html
    assert not re.search(r'(src|href)="https?://', html)


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("en", "Personal account of the subscriber", "Log in to account"),
        ("be", "Асабісты кабінет абанента", "Увайсці ў акаўнт"),
        ("ru", "Личный кабинет абонента", "Войти в аккаунт"),
    ],
)
def test_language_switch(client: Client, language: str, heading: str, button: str) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert f'<html lang="{language}"' in html
    assert heading in html
    assert button in html
    assert f'<option value="{language}" lang="{language}" selected>' in html


def test_language_switch_refuses_an_unknown_language(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="ru"' in client.get("/").content.decode()


# --- error pages -------------------------------------------------------------------------


def test_404_page_is_translated_and_keeps_the_layout(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Страница не найдена" in html
    assert 'class="skip-link"' in html
    assert 'href="tel:411"' in html


def test_403_page_renders() -> None:
    request = RequestFactory().get("/")
    with translation.override("ru"):
        html = render_to_string("403.html", request=request)
    assert "Доступ запрещён" in html


def test_csrf_failure_page_is_translated() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403
    assert "Страница устарела" in response.content.decode()
    assert "django_language" not in response.cookies  # nothing changed


def test_500_page_needs_no_request_context() -> None:
    with translation.override("ru"):
        html = render_to_string("500.html")
    assert "Что-то пошло не так" in html
    assert "/static/portal/issa.css" in html


@pytest.mark.parametrize(
    ("kind", "status", "title"),
    [
        (ErrorKind.INVALID, 400, "Проверьте введённые данные"),
        (ErrorKind.NOT_FOUND, 404, "Не найдено"),
        (ErrorKind.FORBIDDEN, 403, "Действие недоступно"),
        (ErrorKind.RATE_LIMITED, 429, "Слишком много попыток"),
        (ErrorKind.UNAVAILABLE, 503, "Временно недоступно"),
    ],
)
def test_domain_error_becomes_a_page_with_its_status(kind: ErrorKind, status: int, title: str) -> None:
    request = RequestFactory().get("/somewhere/")
    message = gettext_lazy("Enter a mobile number of Belarus, for example +375 29 123-45-67.")
    error = DomainError("invalid_msisdn", message, kind=kind)
    middleware = DomainErrorMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    with translation.override("ru"):
        response = middleware.process_exception(request, error)
    assert response is not None
    assert response.status_code == status
    html = response.content.decode()
    assert title in html
    assert "Введите номер мобильного телефона Беларуси" in html
    assert "invalid_msisdn" in html
    assert "<html" in html


def test_domain_error_for_htmx_is_a_partial() -> None:
    request = RequestFactory().get("/somewhere/")
    request.htmx = True  # type: ignore[attr-defined]
    error = DomainError("too_many", "Too many attempts", kind=ErrorKind.RATE_LIMITED)
    response = DomainErrorMiddleware(lambda r: None).process_exception(request, error)  # type: ignore[arg-type,return-value]
    assert response is not None
    assert response.status_code == 429
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "<html" not in html


def test_domain_error_under_api_is_left_to_the_api() -> None:
    request = RequestFactory().get("/api/anything")
    error = DomainError("x", "x")
    assert DomainErrorMiddleware(lambda r: None).process_exception(request, error) is None  # type: ignore[arg-type,return-value]


def test_other_exceptions_are_not_swallowed() -> None:
    request = RequestFactory().get("/")
    assert DomainErrorMiddleware(lambda r: None).process_exception(request, ValueError("x")) is None  # type: ignore[arg-type,return-value]
