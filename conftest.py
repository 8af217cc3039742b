"""Test-wide fixtures. App fixtures live in each app's tests/conftest.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _sync_queue(monkeypatch):  # type: ignore[no-untyped-def]
    """Background tasks run inline in tests when they are enqueued (which is after commit)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)
