"""AUTH-14 end to end over real HTTP: the demo partner "Мелофон" on a live server signs a subscriber
in through ISSA (its own HTTP calls to discovery, token, JWKS and userinfo), and loses the
sign-in when the subscriber withdraws the consent in the portal."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from issa.core.phone import format_msisdn
from issa.identity.models import AuditEvent
from issa.sso.models import Consent
from issa.sso.services import melofon_register
from issa.testing.factories import UserFactory, subscriber_with_balance


class _Forms(HTMLParser):
    """Collects each form's action and inputs (name -> value) and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "inputs": {}, "buttons": []})
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1]["inputs"][a["name"]] = a.get("value") or ""
        elif tag == "button" and self.forms:
            self.forms[-1]["buttons"].append((a.get("name"), a.get("value")))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """A cookie-keeping HTTP client that shows each redirect (what a browser does, step by step)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def set_cookie(self, name: str, value: str) -> None:
        host = urllib.parse.urlparse(self.base).hostname or ""
        if "." not in host:
            host += ".local"  # how http.cookiejar names a dotless host such as "localhost"
        self.jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {}
            )
        )

    def request(self, url: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, Location header, body)."""
        full = url if url.startswith("http") else self.base + url
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(full, data=body), timeout=20) as response:  # noqa: S310
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode()

    def follow(self, url: str, data: dict[str, str] | None = None, limit: int = 10) -> tuple[int, str, str]:
        """Request, then follow redirects; returns the last answer and its URL."""
        status, location, body = self.request(url, data)
        while status in (301, 302, 303) and limit:
            url = urllib.parse.urljoin(url if url.startswith("http") else self.base + url, location)
            status, location, body = self.request(url)
            limit -= 1
        return status, url, body


def forms_of(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    return parser


@pytest.mark.django_db(transaction=True)
def test_auth_14_demo_partner_signs_in_over_http_and_loses_access_on_revoke(live_server: Any) -> None:
    melofon_register(now=timezone.now(), extra_redirect_uris=[f"{live_server.url}/melofon/callback"])
    user: Any = UserFactory(subscriber=subscriber_with_balance(), full_name="Петрова Анна Сергеевна")
    portal = Client()
    portal.force_login(user)
    browser = Browser(live_server.url)
    browser.set_cookie("sessionid", portal.cookies["sessionid"].value)

    # "Войти через ISSA" on the partner: the partner sends the browser to ISSA's authorize step.
    status, location, _ = browser.request("/melofon/login")
    assert status == 302
    assert location.startswith(f"{live_server.url}/o/authorize/?")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 32
    assert len(query["nonce"][0]) >= 32
    assert "password" not in location

    status, where, consent_html = browser.request(location)
    assert status == 200, where
    consent = next(f for f in forms_of(consent_html).forms if "redirect_uri" in f["inputs"])
    assert "password" not in consent["inputs"]
    assert ("allow", "1") in consent["buttons"]

    status, final_url, page = browser.follow(location, {**consent["inputs"], "allow": "1"})

    assert status == 200
    assert final_url == f"{live_server.url}/melofon/"
    assert f"Вы вошли в Мелофон как {format_msisdn(user.subscriber.msisdn)}" in page
    assert "Петрова Анна Сергеевна" in page
    assert Consent.objects.filter(user=user).count() == 1

    # The subscriber withdraws the consent in the portal ("Доступ партнёров").
    consent_row = Consent.objects.get(user=user)
    assert portal.post(f"/partners/{consent_row.pk}/revoke/").status_code == 302

    check = next(f for f in forms_of(page).forms if f["action"].endswith("/melofon/check"))
    status, _, after = browser.request(check["action"], check["inputs"])

    assert status == 401
    assert "ИССА больше не подтверждает ваш вход" in after
    assert "Вы вошли в Мелофон" not in after
    assert AuditEvent.objects.filter(action="sso.consent_revoked", subscriber=user.subscriber).count() == 1


@pytest.mark.django_db(transaction=True)
def test_auth_14_demo_partner_shows_the_refusal_when_the_subscriber_denies(live_server: Any) -> None:
    melofon_register(now=timezone.now(), extra_redirect_uris=[f"{live_server.url}/melofon/callback"])
    user: Any = UserFactory(subscriber=subscriber_with_balance())
    portal = Client()
    portal.force_login(user)
    browser = Browser(live_server.url)
    browser.set_cookie("sessionid", portal.cookies["sessionid"].value)
    _, location, _ = browser.request("/melofon/login")
    _, _, consent_html = browser.request(location)
    consent = next(f for f in forms_of(consent_html).forms if "redirect_uri" in f["inputs"])

    status, final_url, page = browser.follow(location, consent["inputs"])  # "Отказать": no "allow"

    assert status == 400
    assert "/melofon/callback?error=access_denied" in final_url
    assert "Вы не разрешили Мелофону" in page
    assert not Consent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_auth_14_demo_partner_rejects_a_forged_callback(live_server: Any) -> None:
    browser = Browser(live_server.url)

    status, _, page = browser.request("/melofon/callback?code=stolen&state=guessed")

    assert status == 400
    assert "Вход начат не здесь или устарел" in page
