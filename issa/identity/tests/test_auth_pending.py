"""AUTH-9: idle timeout of 15 minutes and the pending-request mechanism (cancelled at logout, on
idle expiry, by the periodic job, at a password change)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

from issa.core.errors import DomainError
from issa.identity.models import PendingRequest
from issa.identity.schedules import JOBS
from issa.identity.services import pending_cancel, pending_confirm, pending_start, pending_sweep

from .conftest import PASSWORD, make_user

State = PendingRequest.State


def _login(client, user):
    response = client.post(reverse("portal:login"), {"login": user.login, "password": PASSWORD})
    assert response.status_code == 302
    return client.session.session_key


def test_auth_9_confirm_in_the_same_live_session(client, registered, web, now):
    key = _login(client, registered)
    req = pending_start(session_key=key, user=registered, kind="test.order", payload={"x": 1}, actor=web, now=now)
    done = pending_confirm(request_id=req.pk, user=registered, session_key=key, actor=web, now=now)
    assert done.state == State.CONFIRMED
    assert done.payload == {"x": 1}


def test_auth_9_other_session_or_other_user_cannot_confirm(client, registered, web, now):

    key = _login(client, registered)
    req = pending_start(session_key=key, user=registered, kind="test.order", payload={}, actor=web, now=now)
    with pytest.raises(DomainError) as stranger:
        pending_confirm(request_id=req.pk, user=make_user(), session_key=key, actor=web, now=now)
    assert stranger.value.code == "not_found"
    with pytest.raises(DomainError) as elsewhere:
        pending_confirm(request_id=req.pk, user=registered, session_key="another", actor=web, now=now)
    assert elsewhere.value.code == "request_cancelled"
    req.refresh_from_db()
    assert req.state == State.PENDING


def test_auth_9_logout_cancels_the_sessions_pending_requests(client, registered, web, now):
    key = _login(client, registered)
    req = pending_start(session_key=key, user=registered, kind="test.order", payload={}, actor=web, now=now)
    client.post(reverse("portal:logout"))
    req.refresh_from_db()
    assert req.state == State.CANCELLED
    assert req.reason == "logout"
    with pytest.raises(DomainError):
        pending_confirm(request_id=req.pk, user=registered, session_key=key, actor=web, now=now)


def test_auth_9_idle_timeout_ends_session_and_cancels_requests(client, registered, web):
    with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False) as traveller:
        from issa.core import clock

        key = _login(client, registered)
        req = pending_start(session_key=key, user=registered, kind="test.order", payload={}, actor=web, now=clock.now())
        traveller.shift(timedelta(minutes=14))
        assert client.get(reverse("portal:home")).status_code == 200  # activity renews the session
        traveller.shift(timedelta(minutes=14))
        assert client.get(reverse("portal:home")).status_code == 200
        traveller.shift(timedelta(minutes=15, seconds=1))
        response = client.get(reverse("portal:home"), follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("portal:login"))
        assert "бездействия" in response.content.decode()
    req.refresh_from_db()
    assert req.state == State.CANCELLED
    assert req.reason == "idle_timeout"


def test_auth_9_periodic_job_cancels_requests_of_vanished_sessions(client, registered, web, now):
    key = _login(client, registered)
    live = pending_start(session_key=key, user=registered, kind="test.a", payload={}, actor=web, now=now)
    gone = pending_start(session_key="vanished", user=registered, kind="test.b", payload={}, actor=web, now=now)
    old = pending_start(
        session_key=key, user=registered, kind="test.c", payload={}, actor=web, now=now - timedelta(hours=1)
    )
    assert pending_sweep(now=now) == 2
    states = {r.kind: r.state for r in PendingRequest.objects.all()}
    assert states == {"test.a": State.PENDING, "test.b": State.CANCELLED, "test.c": State.EXPIRED}
    assert live
    assert gone
    assert old
    assert [job.name for job in JOBS] == ["identity.pending_sweep"]
    Session.objects.all().delete()
    assert pending_sweep(now=now) == 1


def test_auth_9_user_cancels_own_request(registered, web, now):
    req = pending_start(session_key="k", user=registered, kind="test.order", payload={}, actor=web, now=now)
    assert pending_cancel(request_id=req.pk, user=registered, actor=web, now=now).state == State.CANCELLED


def test_auth_9_session_cookie_age_is_fifteen_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_auth_9_api_pending_request_ends_with_its_token(registered, web, now):
    from issa.identity.services import token_create, token_revoke
    from issa.identity.services.pending import api_session_key

    token, _raw = token_create(user=registered, name="app", actor=web, now=now)
    key = api_session_key(token)
    req = pending_start(session_key=key, user=registered, kind="test.api", payload={}, actor=web, now=now)
    assert pending_sweep(now=now) == 0  # the token is live: the request stays
    token_revoke(user=registered, token_id=token.pk, actor=web, now=now)
    req.refresh_from_db()
    assert req.state == State.CANCELLED
    assert req.reason == "logout"


def test_auth_9_pages_with_secrets_are_not_cached(client, registered):
    response = client.get(reverse("portal:login"))
    assert "no-store" in response["Cache-Control"]
