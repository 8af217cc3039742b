"""/healthz: the load balancer's probe reports the database and the queue."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_reports_database_and_queue_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["queue"] == "ok"
    assert body["checks"]["queue_backlog"] == "0"
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_healthz_needs_no_login_and_reveals_no_settings(client: Client) -> None:
    text = client.get("/healthz").content.decode()
    assert "SECRET" not in text
    assert "postgres" not in text
