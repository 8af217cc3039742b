"""Demo feedback (SUP-1, SUP-2): the contact centre's answer templates and a dozen requests from
the well-known demo numbers, so that the staff inbox (/staff/support/supportrequest/) has
something in every state — new, taken, overdue (asked more than 24 hours before ``now``), answered,
closed, a wish closed with a reason — and one request with a PDF attachment.

Everything goes through ``issa.support.services`` (so the audit trail and the answer's SMS are
the real ones); a template is found by its title and a request by (number, subject), so a second
run adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from issa.identity.actor import Actor
from issa.identity.models import User
from issa.subscribers.models import Subscriber
from issa.support import services
from issa.support.models import AnswerTemplate, SupportRequest

ORDER = 95  # after the subscribers (20), their logins (30) and the demo staff (32)
STAFF_LOGINS = ("support", "cc411", "admin")  # who answers, the first that exists

TEMPLATES: list[tuple[str, str]] = [
    (
        "Баланс и пополнение",
        "Здравствуйте! Баланс номера показан на главной странице личного кабинета ИССА, там же — "
        "история пополнений и списаний. Платёж через ЕРИП или банковской картой обычно зачисляется "
        "в течение нескольких минут; если деньги не поступили за сутки, пришлите, пожалуйста, чек — "
        "мы найдём платёж.",
    ),
    (
        "Роуминг",
        "Здравствуйте! Роуминг на вашем номере подключён по умолчанию. Стоимость звонков, SMS и "
        "интернета в стране пребывания указана в разделе «Тарифы» личного кабинета. Чтобы не "
        "тратить лишнего, перед поездкой подключите пакет интернета в роуминге в разделе «Услуги».",
    ),
    (
        "Смена тарифного плана",
        "Здравствуйте! Сменить тарифный план можно в личном кабинете ИССА в разделе «Тарифы»: "
        "выберите новый план и подтвердите переход. Новый тариф начинает действовать с момента, "
        "указанного в условиях перехода; плата за переход, если она есть, показана до подтверждения.",
    ),
    (
        "Утеря SIM-карты",
        "Здравствуйте! Мы отключили доступ в личный кабинет для вашего номера, чтобы им никто не "
        "воспользовался. Восстановить SIM-карту с тем же номером можно в любом центре продаж по "
        "документу, удостоверяющему личность. Если номер нужно заблокировать полностью, позвоните "
        "по номеру 411.",
    ),
    (
        "Возврат ошибочного платежа",
        "Здравствуйте! Заявление на возврат платежа, зачисленного на чужой номер, рассматривается в "
        "течение трёх рабочих дней. Решение придёт по SMS; при одобрении сумма будет зачислена на "
        "правильный номер.",
    ),
    (
        "Настройки интернета",
        "Здравствуйте! Проверьте, что в телефоне включена передача данных, а точка доступа (APN) — "
        "internet. Перезагрузите устройство. Если интернет не заработал, проверьте баланс и пакеты "
        "в личном кабинете: при нулевом балансе доступ в интернет приостанавливается.",
    ),
    (
        "Блокировка при недостатке средств",
        "Здравствуйте! Номер заблокирован, потому что на балансе недостаточно средств. Пополните "
        "счёт — обслуживание возобновится автоматически в течение нескольких минут. Можно также "
        "воспользоваться услугой «Обещанный платёж» в личном кабинете.",
    ),
]


@dataclass(frozen=True)
class DemoRequest:
    msisdn: str
    topic: str
    subject: str
    text: str
    hours_ago: int
    outcome: str = "new"  # new | taken | answered | closed | wish_closed
    template: str = ""  # the answer's template title (answered and closed requests)
    note: str = ""  # the reason for closing
    attachment: bool = False


REQUESTS: list[DemoRequest] = [
    DemoRequest("375291000001", "question", "Баланс после пополнения",
                "Пополнил счёт через ЕРИП на 20 рублей, а баланс не изменился. Когда придут деньги?",
                96, "closed", "Баланс и пополнение"),
    DemoRequest("375291000002", "question", "Роуминг в Польше",
                "Еду в Варшаву на неделю. Будет ли работать мой номер и сколько стоит интернет?",
                70, "answered", "Роуминг"),
    DemoRequest("375291000003", "wish", "Больше камер в тарифе «Видеонаблюдение»",
                "Хотелось бы подключать к одному номеру две камеры.",
                120, "wish_closed", note="Передано в отдел развития продуктов; спасибо за предложение."),
    DemoRequest("375291000004", "question", "Смена тарифного плана",
                "Хочу перейти на тариф подешевле. Сгорят ли оставшиеся минуты?", 3),
    DemoRequest("375291000005", "question", "Утеряна SIM-карта сотрудника",
                "Сотрудник потерял телефон с корпоративной SIM-картой. Что делать?",
                48, "answered", "Утеря SIM-карты"),
    DemoRequest("375291000006", "question", "Не работает интернет на планшете",
                "После перезагрузки планшет не подключается к интернету, хотя баланс положительный.", 30),
    DemoRequest("375291000007", "question", "Возврат ошибочного платежа",
                "Ошибся в одной цифре номера при оплате 5 рублей. Чек прикладываю.",
                10, "taken", attachment=True),
    DemoRequest("375291000008", "question", "Почему заблокирован номер",
                "Утром номер перестал звонить, хотя вчера всё работало.", 50, "taken"),
    DemoRequest("375291000001", "wish", "Рассрочка на аксессуары",
                "Было бы удобно покупать в рассрочку и наушники, а не только телефоны.", 1),
    DemoRequest("375291000010", "question", "Связь в море",
                "Будет ли работать спутниковый тариф на пароме до Швеции?", 26, "answered", "Роуминг"),
    DemoRequest("375291000002", "question", "Как снова включить номер после паузы",
                "Поставила номер на паузу на время отпуска. Как её отменить раньше срока?",
                200, "closed", "Смена тарифного плана"),
    DemoRequest("375291000009", "question", "Не могу зарегистрироваться в ИССА",
                "Не приходит SMS с кодом при регистрации в личном кабинете.", 27),
]  # fmt: skip

# A one-page PDF "receipt": what the portal's form accepts (the type is sniffed from its bytes).
RECEIPT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _templates() -> tuple[int, dict[str, AnswerTemplate]]:
    existing = {t.title: t for t in AnswerTemplate.objects.filter(title__in=[title for title, _ in TEMPLATES])}
    missing = [AnswerTemplate(title=title, text=text) for title, text in TEMPLATES if title not in existing]
    AnswerTemplate.objects.bulk_create(missing)
    made = {t.title: t for t in missing}
    return len(missing), {**existing, **made}


def _staff() -> Any:
    by_login = {u.login: u for u in User.objects.filter(login__in=STAFF_LOGINS, is_staff=True, is_active=True)}
    return next((by_login[login] for login in STAFF_LOGINS if login in by_login), None)


def _play(
    item: DemoRequest, request: SupportRequest, created: datetime, staff: Any, templates: dict[str, AnswerTemplate]
) -> None:
    """Take the request as far as the demo wants it, through the services, at believable times."""
    actor = Actor("admin", user=staff)
    if item.outcome in ("taken", "answered", "closed"):
        services.support_assign(request_id=request.pk, assignee=staff, actor=actor, now=created + timedelta(hours=1))
    if item.outcome in ("answered", "closed"):
        text = templates[item.template].text
        services.support_answer(request_id=request.pk, text=text, actor=actor, now=created + timedelta(hours=3))
    if item.outcome in ("closed", "wish_closed"):
        services.support_close(request_id=request.pk, note=item.note, actor=actor, now=created + timedelta(hours=5))


def load(*, stdout: Any, now: datetime) -> None:
    templates_made, templates = _templates()
    subscribers = {
        s.msisdn: s
        for s in Subscriber.objects.select_related("account__client").filter(msisdn__in={r.msisdn for r in REQUESTS})
    }
    known = set(
        SupportRequest.objects.filter(subscriber__msisdn__in=list(subscribers)).values_list(
            "subscriber__msisdn", "subject"
        )
    )
    staff = _staff()
    made = 0
    for item in REQUESTS:
        subscriber = subscribers.get(item.msisdn)
        if subscriber is None or (item.msisdn, item.subject) in known:
            continue
        created = now - timedelta(hours=item.hours_ago)
        upload = SimpleUploadedFile("чек.pdf", RECEIPT_PDF, "application/pdf") if item.attachment else None
        request = services.support_request_create(
            subscriber=subscriber,
            topic=item.topic,
            subject=item.subject,
            text=item.text,
            attachment=upload,
            actor=Actor("web", label=f"+{item.msisdn}"),
            now=created,
        )
        made += 1
        if staff is not None and item.outcome != "new":
            _play(item, request, created, staff, templates)
    stdout.write(f"support: {templates_made} answer templates, {made} feedback requests\n")
