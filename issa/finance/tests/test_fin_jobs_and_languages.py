"""The finance jobs are declared for the scheduler (FIN-2 monthly charge, FIN-3 expiry) and the
pages speak Russian, Belarusian and English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from issa.core.schedules import declared_jobs

pytestmark = pytest.mark.django_db


def test_fin_2_and_fin_3_jobs_are_declared():
    jobs = {job.name: job for job in declared_jobs()}
    assert jobs["finance.promised_expire"].func == "issa.finance.tasks.promised_expire"
    assert jobs["finance.installments_monthly"].func == "issa.finance.tasks.installments_monthly"


@pytest.mark.parametrize(
    ("language", "title", "tab"),
    [
        ("ru", "Финансовая информация", "Неподтверждённые платежи"),
        ("be", "Фінансавая інфармацыя", "Непацверджаныя плацяжы"),
        ("en", "Financial information", "Unconfirmed payments"),
    ],
)
def test_fin_3_pages_in_three_languages(logged_in, language, title, tab):
    page = logged_in.get(reverse("portal:finance_promised"), headers={"accept-language": language}).content.decode()
    assert title in page
    assert tab in page
