"""The demo catalogue (BSS-1): tariff plans with their 2025 terms, usage prices and allowances,
services and packages with their terms, number categories.

Plans, services and categories are keyed by ``code``; terms by (plan or service, valid_from).
A second run creates only what is missing; prices and allowances come with new terms only.
Names and descriptions are the operator's own data, in Russian, so they are not translated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from issa.catalog.models import (
    Allowance,
    Destination,
    Kind,
    NumberCategory,
    PlanTerms,
    Service,
    ServiceTerms,
    TariffPlan,
    UsagePrice,
)
from issa.core.clock import start_of_local_day

ORDER = 10

TERMS_FROM = start_of_local_day(date(2025, 1, 1))

MIN = 60  # seconds in a minute: voice allowances are stored in seconds
MB = 1024 * 1024
GB = 1024 * MB
HOME_VOICE = ["onnet", "offnet", "fixed"]  # calls inside Belarus

D = Destination
INTL = (D.INTL_CIS, D.INTL_EUROPE, D.INTL_WORLD)
ROAMING = (D.ROAMING_1, D.ROAMING_2, D.ROAMING_3)


def _p(value: str) -> Decimal:
    return Decimal(value)


# --- Usage prices -------------------------------------------------------------------------------
# Per unit, BYN with VAT: a minute, an SMS, an MMS, a megabyte. Outgoing usage is priced by
# destination; incoming is free at home and paid in roaming.
VOICE_OUT = {
    D.ONNET: "0.0990", D.OFFNET: "0.1890", D.FIXED: "0.1890",
    D.INTL_CIS: "0.9900", D.INTL_EUROPE: "1.4900", D.INTL_WORLD: "2.9900",
    D.ROAMING_1: "1.9900", D.ROAMING_2: "3.4900", D.ROAMING_3: "6.9900",
}  # fmt: skip
VOICE_IN_ROAMING = {D.ROAMING_1: "0.9900", D.ROAMING_2: "1.9900", D.ROAMING_3: "3.9900"}
SMS_OUT = {
    D.ONNET: "0.0790", D.OFFNET: "0.0990", D.FIXED: "0.0990",
    D.INTL_CIS: "0.2490", D.INTL_EUROPE: "0.2490", D.INTL_WORLD: "0.2490",
    D.ROAMING_1: "0.4900", D.ROAMING_2: "0.4900", D.ROAMING_3: "0.6900",
}  # fmt: skip
MMS_OUT = {D.ONNET: "0.1990", D.OFFNET: "0.1990", D.INTL_CIS: "0.4900", D.INTL_EUROPE: "0.4900", D.INTL_WORLD: "0.4900"}
DATA = {D.HOME: "0.0990", D.ROAMING_1: "0.9900", D.ROAMING_2: "4.9900", D.ROAMING_3: "14.9900"}


def mobile_prices(**overrides: str) -> list[tuple[str, str, bool, str]]:
    """(kind, destination, outgoing, unit price) rows of a mobile plan; ``voice_onnet="0"`` etc.
    override single outgoing prices."""
    rows: list[tuple[str, str, bool, str]] = []
    for kind, table in ((Kind.VOICE, VOICE_OUT), (Kind.SMS, SMS_OUT), (Kind.MMS, MMS_OUT), (Kind.DATA, DATA)):
        for destination, price in table.items():
            rows.append((kind, destination, True, overrides.get(f"{kind}_{destination}", price)))
    rows += [(Kind.VOICE, destination, False, "0") for destination in (D.ONNET, D.OFFNET, D.FIXED, *INTL)]
    rows += [(Kind.VOICE, destination, False, price) for destination, price in VOICE_IN_ROAMING.items()]
    return rows


def data_only_prices(home: str = "0.0990", sms: bool = True) -> list[tuple[str, str, bool, str]]:
    """Devices and modems: data (and SMS for devices that report by SMS), no voice."""
    rows: list[tuple[str, str, bool, str]] = [
        (Kind.DATA, d, True, DATA[d] if d != D.HOME else home) for d in (D.HOME, *ROAMING)
    ]
    if sms:
        rows += [(Kind.SMS, d, True, SMS_OUT[d]) for d in (D.ONNET, D.OFFNET, *INTL, *ROAMING)]
    return rows


@dataclass
class PlanSpec:
    code: str
    name: str
    kind: str
    fee: str
    fee_period: str
    description: str
    benefits: str = ""
    brand: str = ""
    puk: bool = False
    discount: str = "0"
    rounding: str = PlanTerms.VoiceRounding.PER_SECOND
    prices: list[tuple[str, str, bool, str]] = field(default_factory=mobile_prices)
    allowances: list[tuple[str, list[str], int]] = field(default_factory=list)  # kind, destinations, qty
    public: bool = True


M, Dy = TariffPlan.FeePeriod.MONTHLY, TariffPlan.FeePeriod.DAILY
TP = TariffPlan.Kind

PLANS: list[PlanSpec] = [
    PlanSpec(
        "smart", "Смарт", TP.MOBILE, "19.9000", M,
        "Тариф для смартфона: минуты на все сети Беларуси, SMS и интернет на месяц.",
        "300 минут по Беларуси, 100 SMS, 10 ГБ интернета",
        allowances=[(Kind.VOICE, HOME_VOICE, 300 * MIN), (Kind.SMS, [], 100), (Kind.DATA, [], 10 * GB)],
    ),
    PlanSpec(
        "smart-plus", "Смарт Плюс", TP.MOBILE, "29.9000", M,
        "Больше минут и гигабайтов для тех, кто много общается и смотрит видео в дороге.",
        "600 минут по Беларуси, 300 SMS, 30 ГБ интернета",
        allowances=[(Kind.VOICE, HOME_VOICE, 600 * MIN), (Kind.SMS, [], 300), (Kind.DATA, [], 30 * GB)],
    ),
    PlanSpec(
        "smart-max", "Смарт Макс", TP.MOBILE, "44.9000", M,
        "Безлимитные звонки внутри сети, 1500 минут на другие сети и безлимитный интернет.",
        "Безлимит внутри сети, 1500 минут на другие сети, безлимитный интернет",
        prices=mobile_prices(voice_onnet="0"),
        allowances=[(Kind.VOICE, ["offnet", "fixed"], 1500 * MIN), (Kind.SMS, [], 500), (Kind.DATA, [], 1024 * GB)],
    ),
    PlanSpec(
        "comfort", "Комфорт", TP.MOBILE, "13.9000", M,
        "Спокойный тариф для звонков близким: минуты внутри сети и немного интернета.",
        "400 минут внутри сети, 50 SMS, 3 ГБ интернета",
        allowances=[(Kind.VOICE, ["onnet"], 400 * MIN), (Kind.SMS, [], 50), (Kind.DATA, [], 3 * GB)],
    ),
    PlanSpec(
        "classic", "Классика", TP.MOBILE, "0", M,
        "Без абонентской платы: платите только за минуты, SMS и мегабайты, которыми пользуетесь.",
        "Без абонентской платы, поминутная тарификация",
        rounding=PlanTerms.VoiceRounding.PER_MINUTE,
    ),
    PlanSpec(
        "family", "Семейный", TP.MOBILE, "24.9000", M,
        "Тариф для семьи: бесплатные звонки на номера одного лицевого счёта и общий интернет.",
        "Безлимит внутри сети, 200 минут на другие сети, 15 ГБ интернета",
        prices=mobile_prices(voice_onnet="0"),
        allowances=[(Kind.VOICE, ["offnet", "fixed"], 200 * MIN), (Kind.SMS, [], 100), (Kind.DATA, [], 15 * GB)],
    ),
    PlanSpec(
        "unlimited", "Безлимит", TP.MOBILE, "59.9000", M,
        "Безлимитные звонки по Беларуси и безлимитный интернет без ограничения скорости.",
        "Безлимит по Беларуси, 1000 SMS, безлимитный интернет",
        discount="10.0000",
        prices=mobile_prices(voice_onnet="0", voice_offnet="0", voice_fixed="0"),
        allowances=[(Kind.SMS, [], 1000), (Kind.DATA, [], 1024 * GB)],
    ),
    PlanSpec(
        "business-start", "Бизнес Старт", TP.MOBILE, "15.0000", M,
        "Для сотрудников компаний: бесплатные звонки внутри корпоративной группы и 500 минут.",
        "500 минут по Беларуси, 5 ГБ интернета, звонки внутри группы бесплатно",
        allowances=[(Kind.VOICE, HOME_VOICE, 500 * MIN), (Kind.DATA, [], 5 * GB)],
    ),
    PlanSpec(
        "business-pro", "Бизнес Профи", TP.MOBILE, "35.0000", M,
        "Для руководителей и тех, кто в разъездах: больше минут, международные звонки дешевле.",
        "1500 минут по Беларуси, 50 минут в СНГ и Европу, 20 ГБ интернета",
        prices=mobile_prices(voice_intl_cis="0.4900", voice_intl_europe="0.6900"),
        allowances=[
            (Kind.VOICE, HOME_VOICE, 1500 * MIN),
            (Kind.VOICE, ["intl_cis", "intl_europe"], 50 * MIN),
            (Kind.DATA, [], 20 * GB),
        ],
    ),
    PlanSpec(
        "privet-basic", "ПРИВЕТ", TP.MOBILE, "0.3000", Dy,
        "Бренд ПРИВЕТ: простой тариф с ежедневной платой, без договора и без лишних условий.",
        "Звонки внутри сети бесплатно, 15 ГБ интернета в месяц",
        brand="ПРИВЕТ",
        prices=mobile_prices(voice_onnet="0", voice_offnet="0.1490", voice_fixed="0.1490"),
        allowances=[(Kind.DATA, [], 15 * GB)],
    ),
    PlanSpec(
        "privet-unlim", "ПРИВЕТ Безлимит", TP.MOBILE, "0.8500", Dy,
        "Бренд ПРИВЕТ: безлимитный интернет и звонки по Беларуси за ежедневную плату.",
        "Безлимитный интернет, 3000 минут в месяц по Беларуси",
        brand="ПРИВЕТ",
        prices=mobile_prices(voice_onnet="0"),
        allowances=[(Kind.VOICE, ["offnet", "fixed"], 3000 * MIN), (Kind.DATA, [], 1024 * GB)],
    ),
    PlanSpec(
        "video", "Видеонаблюдение", TP.DEVICE, "4.9000", M,
        "Для IP-камер и видеорегистраторов: передача видео без USSD и звонков.",
        "10 ГБ интернета в месяц, идентификация в ИССА по PUK1",
        puk=True,
        prices=data_only_prices(home="0.0490", sms=False),
        allowances=[(Kind.DATA, [], 10 * GB)],
    ),
    PlanSpec(
        "satellite", "Спутниковый мониторинг", TP.DEVICE, "2.9000", M,
        "Для GPS-трекеров и систем мониторинга транспорта: данные и SMS-отчёты устройства.",
        "100 МБ и 50 SMS в месяц, идентификация в ИССА по PUK1",
        puk=True,
        prices=data_only_prices(home="0.0990"),
        allowances=[(Kind.DATA, [], 100 * MB), (Kind.SMS, [], 50)],
    ),
    PlanSpec(
        "internet-tablet", "Интернет для планшета", TP.INTERNET, "14.9000", M,
        "Только интернет: для планшета или ноутбука с SIM-картой.",
        "30 ГБ интернета в месяц",
        puk=True,
        prices=data_only_prices(),
        allowances=[(Kind.DATA, [], 30 * GB)],
    ),
    PlanSpec(
        "internet-modem", "Интернет для модема", TP.INTERNET, "24.9000", M,
        "Только интернет: для USB-модема или роутера на даче и в дороге.",
        "100 ГБ интернета в месяц",
        puk=True,
        prices=data_only_prices(),
        allowances=[(Kind.DATA, [], 100 * GB)],
    ),
    PlanSpec(
        "internet-unlim", "Интернет Безлимит", TP.INTERNET, "39.9000", M,
        "Безлимитный мобильный интернет для модема или роутера.",
        "Безлимитный интернет",
        puk=True,
        prices=data_only_prices(home="0"),
    ),
    PlanSpec(
        "home-100", "Домашний интернет 100", TP.HOME, "27.9000", M,
        "Проводной интернет для дома: до 100 Мбит/с, безлимитный трафик.",
        "100 Мбит/с, безлимитный трафик",
        prices=[(Kind.DATA, D.HOME, True, "0")],
    ),
    PlanSpec(
        "office-300", "Офис 300", TP.HOME, "49.9000", M,
        "Проводной интернет для офиса: до 300 Мбит/с, статический IP-адрес.",
        "300 Мбит/с, безлимитный трафик, статический IP",
        prices=[(Kind.DATA, D.HOME, True, "0")],
    ),
]  # fmt: skip


@dataclass
class ServiceSpec:
    code: str
    name: str
    kind: str
    fee: str = "0"
    fee_period: str = ServiceTerms.FeePeriod.NONE
    one_time: str = "0"
    description: str = ""
    allowances: list[tuple[str, list[str], int]] = field(default_factory=list)
    pro_rata: bool = True


SK = Service.Kind
FP = ServiceTerms.FeePeriod

SERVICES: list[ServiceSpec] = [
    # Mobile Internet packages (SVC-7)
    ServiceSpec("mi-1gb", "Мобильный Интернет 1 ГБ", SK.INTERNET, "3.9000", FP.MONTHLY,
                description="1 ГБ интернета в месяц сверх тарифа.", allowances=[(Kind.DATA, [], 1 * GB)]),
    ServiceSpec("mi-5gb", "Мобильный Интернет 5 ГБ", SK.INTERNET, "7.9000", FP.MONTHLY,
                description="5 ГБ интернета в месяц сверх тарифа.", allowances=[(Kind.DATA, [], 5 * GB)]),
    ServiceSpec("mi-15gb", "Мобильный Интернет 15 ГБ", SK.INTERNET, "12.9000", FP.MONTHLY,
                description="15 ГБ интернета в месяц сверх тарифа.", allowances=[(Kind.DATA, [], 15 * GB)]),
    ServiceSpec("mi-50gb", "Мобильный Интернет 50 ГБ", SK.INTERNET, "19.9000", FP.MONTHLY,
                description="50 ГБ интернета в месяц сверх тарифа.", allowances=[(Kind.DATA, [], 50 * GB)]),
    ServiceSpec("mi-day", "Интернет на день", SK.INTERNET, "0.9900", FP.DAILY, pro_rata=False,
                description="500 МБ в сутки, плата только за дни подключения.",
                allowances=[(Kind.DATA, [], 500 * MB)]),
    ServiceSpec("mi-night", "Ночной интернет", SK.INTERNET, "2.5000", FP.MONTHLY,
                description="Безлимитный интернет с 01:00 до 07:00.", allowances=[(Kind.DATA, [], 100 * GB)]),
    ServiceSpec("mi-social", "Соцсети без ограничений", SK.INTERNET, "3.5000", FP.MONTHLY,
                description="Трафик в мессенджерах и социальных сетях не расходует пакет.",
                allowances=[(Kind.DATA, [], 20 * GB)]),
    ServiceSpec("roaming-europe-1gb", "Роуминг Европа 1 ГБ", SK.INTERNET, "0", FP.NONE, one_time="15.0000",
                pro_rata=False, description="1 ГБ интернета в странах Европы на 30 дней.",
                allowances=[(Kind.DATA, ["roaming_1"], 1 * GB)]),
    # Voice and SMS packages
    ServiceSpec("min-100", "100 минут по Беларуси", SK.PACKAGE, "3.5000", FP.MONTHLY,
                description="100 минут на все сети Беларуси.", allowances=[(Kind.VOICE, HOME_VOICE, 100 * MIN)]),
    ServiceSpec("min-300", "300 минут по Беларуси", SK.PACKAGE, "7.5000", FP.MONTHLY,
                description="300 минут на все сети Беларуси.", allowances=[(Kind.VOICE, HOME_VOICE, 300 * MIN)]),
    ServiceSpec("onnet-unlim", "Безлимит внутри сети", SK.PACKAGE, "4.9000", FP.MONTHLY,
                description="Звонки на номера оператора без ограничений.",
                allowances=[(Kind.VOICE, ["onnet"], 44640 * MIN)]),
    ServiceSpec("fixed-200", "200 минут на городские", SK.PACKAGE, "2.9000", FP.MONTHLY,
                description="200 минут на стационарные номера Беларуси.",
                allowances=[(Kind.VOICE, ["fixed"], 200 * MIN)]),
    ServiceSpec("intl-30", "Международный 30", SK.PACKAGE, "9.9000", FP.MONTHLY,
                description="30 минут звонков в страны СНГ и Европы.",
                allowances=[(Kind.VOICE, ["intl_cis", "intl_europe"], 30 * MIN)]),
    ServiceSpec("sms-50", "SMS 50", SK.PACKAGE, "1.9000", FP.MONTHLY,
                description="50 SMS на номера Беларуси.", allowances=[(Kind.SMS, [], 50)]),
    ServiceSpec("sms-150", "SMS 150", SK.PACKAGE, "3.9000", FP.MONTHLY,
                description="150 SMS на номера Беларуси.", allowances=[(Kind.SMS, [], 150)]),
    ServiceSpec("sms-500", "SMS 500", SK.PACKAGE, "7.9000", FP.MONTHLY,
                description="500 SMS на номера Беларуси.", allowances=[(Kind.SMS, [], 500)]),
    ServiceSpec("mms-20", "MMS 20", SK.PACKAGE, "1.5000", FP.MONTHLY,
                description="20 MMS на номера Беларуси.", allowances=[(Kind.MMS, [], 20)]),
    # Voicemail (SVC-12), forwarding (SVC-11), favourite number (SVC-8), Pause (SVC-9)
    ServiceSpec("voicemail", "Голосовая почта", SK.VOICEMAIL,
                description="Автоответчик: абоненты оставляют сообщения, когда вы недоступны."),
    ServiceSpec("voicemail-plus", "Плюс", SK.VOICEMAIL, "1.9000", FP.MONTHLY,
                description="Пакет голосовой почты «Плюс»: хранение 30 дней и копия сообщений на e-mail."),
    ServiceSpec("forwarding", "Переадресация вызова", SK.FORWARDING,
                description="Безусловная или по условию: занято, нет ответа, недоступен."),
    ServiceSpec("forwarding-fixed", "Переадресация на городской номер", SK.FORWARDING, "0.9900", FP.MONTHLY,
                description="Переадресация вызовов на стационарный номер без оплаты минут."),
    ServiceSpec("favourite", "Любимый номер", SK.FAVOURITE, "1.5000", FP.MONTHLY, one_time="1.0000",
                description="Звонки на один выбранный номер любой сети Беларуси бесплатно."),
    ServiceSpec("favourite-intl", "Любимая страна", SK.FAVOURITE, "2.9000", FP.MONTHLY,
                description="Звонки в одну выбранную страну СНГ по цене звонков внутри сети."),
    ServiceSpec("pause", "Пауза", SK.PAUSE,
                description="Приостановка всех услуг связи по вашей инициативе; "
                "со следующего дня — 50% абонентской платы тарифа."),
    # Options
    ServiceSpec("who-called", "Кто звонил", SK.OPTION, "0.0300", FP.DAILY, pro_rata=False,
                description="SMS о пропущенных вызовах, пока телефон был выключен."),
    ServiceSpec("caller-id", "Определитель номера", SK.OPTION, description="Показывает номер звонящего."),
    ServiceSpec("anti-caller-id", "Антиопределитель номера", SK.OPTION, "2.0000", FP.MONTHLY,
                description="Ваш номер не отображается у вызываемого абонента."),
    ServiceSpec("call-waiting", "Ожидание вызова", SK.OPTION,
                description="Сигнал о втором входящем вызове во время разговора."),
    ServiceSpec("conference", "Конференц-связь", SK.OPTION, "0.5000", FP.MONTHLY,
                description="Разговор с пятью собеседниками одновременно."),
    ServiceSpec("ringback", "Мелодия вместо гудка", SK.OPTION, "0.0600", FP.DAILY, pro_rata=False,
                description="Звонящие слышат выбранную вами мелодию вместо гудков."),
    ServiceSpec("roaming", "Международный роуминг", SK.OPTION,
                description="Доступ к связи за границей у партнёров оператора."),
    ServiceSpec("blacklist", "Чёрный список", SK.OPTION, "0.0500", FP.DAILY, pro_rata=False,
                description="Вызовы и SMS с выбранных номеров не доходят до вас."),
    ServiceSpec("content-ban", "Запрет платного контента", SK.OPTION,
                description="Запрет списаний за подписки и короткие номера."),
    ServiceSpec("parental", "Родительский контроль", SK.OPTION, "1.9000", FP.MONTHLY,
                description="Фильтр сайтов и геопоиск ребёнка."),
    ServiceSpec("antivirus", "Мобильный антивирус", SK.OPTION, "2.4900", FP.MONTHLY,
                description="Защита смартфона от вредоносных программ."),
    ServiceSpec("tv", "Мобильное ТВ", SK.OPTION, "6.9000", FP.MONTHLY,
                description="Более 100 телеканалов в смартфоне, трафик не тарифицируется."),
    ServiceSpec("cloud", "Облако 100 ГБ", SK.OPTION, "3.9000", FP.MONTHLY,
                description="Хранилище для фото и документов."),
    ServiceSpec("music", "Музыка", SK.OPTION, "4.5000", FP.MONTHLY,
                description="Музыкальный сервис без расхода трафика."),
    ServiceSpec("sim-replace", "Замена SIM-карты", SK.OPTION, one_time="5.0000", pro_rata=False,
                description="Выдача новой SIM-карты с сохранением номера."),
    ServiceSpec("settings", "Настройки телефона", SK.OPTION,
                description="Настройки Мобильного Интернета, MMS и потокового видео по SMS."),
    ServiceSpec("detail-email", "Детализация на e-mail", SK.OPTION, "0.9900", FP.MONTHLY,
                description="Ежемесячная детализация звонков на электронную почту."),
]  # fmt: skip


CATEGORIES = [  # SVC-6: the price of choosing a number of the category
    ("platinum", "Платиновый", 1, "499.00"),
    ("diamond", "Бриллиантовый", 2, "299.00"),
    ("gold", "Золотой", 3, "149.00"),
    ("silver", "Серебряный", 4, "49.00"),
    ("bronze", "Бронзовый", 5, "19.00"),
    ("simple", "Простой", 6, "0.00"),
]


def load(*, stdout: Any, now: datetime) -> None:
    created: dict[str, int] = {}
    created["plans"], created["plan terms"] = _load_plans()
    created["services"], created["service terms"] = _load_services()
    existing = set(NumberCategory.objects.values_list("code", flat=True))
    categories = [
        NumberCategory(code=code, name=name, rank=rank, price=_p(price))
        for code, name, rank, price in CATEGORIES
        if code not in existing
    ]
    NumberCategory.objects.bulk_create(categories)
    created["number categories"] = len(categories)
    summary = ", ".join(f"{count} {what}" for what, count in created.items())
    stdout.write(f"catalogue: {len(PLANS)} plans, {len(SERVICES)} services; created {summary}")


def _load_plans() -> tuple[int, int]:
    existing = {p.code: p for p in TariffPlan.objects.filter(code__in=[s.code for s in PLANS])}
    new = [
        TariffPlan(
            code=s.code,
            name=s.name,
            kind=s.kind,
            description=s.description,
            benefits=s.benefits,
            fee_period=s.fee_period,
            brand=s.brand,
            puk_identification=s.puk,
            is_public=s.public,
        )
        for s in PLANS
        if s.code not in existing
    ]
    for plan in TariffPlan.objects.bulk_create(new):
        existing[plan.code] = plan
    with_terms = set(PlanTerms.objects.filter(valid_from=TERMS_FROM).values_list("plan_id", flat=True))
    specs = [s for s in PLANS if existing[s.code].pk not in with_terms]
    terms = PlanTerms.objects.bulk_create(
        [
            PlanTerms(
                plan=existing[s.code],
                valid_from=TERMS_FROM,
                fee=_p(s.fee),
                fee_discount=_p(s.discount),
                voice_rounding=s.rounding,
            )
            for s in specs
        ]
    )
    prices, allowances = [], []
    for spec, term in zip(specs, terms, strict=True):
        prices += [
            UsagePrice(terms=term, kind=k, destination=d, outgoing=out, unit_price=_p(price))
            for k, d, out, price in spec.prices
        ]
        allowances += [
            Allowance(plan_terms=term, kind=k, destinations=dest, quantity=q) for k, dest, q in spec.allowances
        ]
    UsagePrice.objects.bulk_create(prices)
    Allowance.objects.bulk_create(allowances)
    return len(new), len(terms)


def _load_services() -> tuple[int, int]:
    existing = {s.code: s for s in Service.objects.filter(code__in=[s.code for s in SERVICES])}
    new = [
        Service(code=s.code, name=s.name, kind=s.kind, description=s.description)
        for s in SERVICES
        if s.code not in existing
    ]
    for service in Service.objects.bulk_create(new):
        existing[service.code] = service
    with_terms = set(ServiceTerms.objects.filter(valid_from=TERMS_FROM).values_list("service_id", flat=True))
    specs = [s for s in SERVICES if existing[s.code].pk not in with_terms]
    terms = ServiceTerms.objects.bulk_create(
        [
            ServiceTerms(
                service=existing[s.code],
                valid_from=TERMS_FROM,
                fee=_p(s.fee),
                fee_period=s.fee_period,
                one_time_fee=_p(s.one_time),
                pro_rata=s.pro_rata,
            )
            for s in specs
        ]
    )
    Allowance.objects.bulk_create(
        [
            Allowance(service_terms=term, kind=k, destinations=dest, quantity=q)
            for spec, term in zip(specs, terms, strict=True)
            for k, dest, q in spec.allowances
        ]
    )
    return len(new), len(terms)
