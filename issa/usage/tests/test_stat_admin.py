"""STAT-2: staff maintain the domain → service mapping in the back office, audited."""

from __future__ import annotations

import pytest

from issa.identity.models import AuditEvent, User
from issa.testing.staff import staff_login
from issa.usage.models_stats import ServiceDomain


@pytest.mark.django_db
def test_stat_2_staff_add_a_domain_mapping_and_it_is_audited(client):
    staff = User.objects.create_superuser("catalogue-manager", "s3cret-pass-123")
    staff_login(client, staff)
    assert client.get("/staff/usage/servicedomain/").status_code == 200
    response = client.post(
        "/staff/usage/servicedomain/add/", {"domain": "Video.Example.BY.", "service": "Видео"}, follow=False
    )
    assert response.status_code == 302
    mapping = ServiceDomain.objects.get()
    assert (mapping.domain, mapping.service) == ("video.example.by", "Видео")
    assert AuditEvent.objects.filter(action="usage.servicedomain_added", channel="admin").count() == 1
