"""The demo operator's customers: ≈1,000 subscribers of persons and five legal entities, with
accounts, SIM cards, plan periods, connected services and opening balances.

The whole population is generated first from a fixed seed (the same every run), then only the
rows whose natural key is missing are written: accounts by number, subscribers by MSISDN, SIMs
by ICCID, opening balances by idempotency key ``demo:opening:<account>``. Plan periods and
connected services come with a new subscriber only.

The well-known demo numbers (``DEMO_NUMBERS``) are the ones to try the product with; the
``users`` loader gives most of them an ISSA login. docs/demo.md lists them for the README.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.catalog.models import Service, TariffPlan
from issa.core.clock import local_date, start_of_local_day
from issa.customers.models import Account, Client
from issa.subscribers.models import PlanPeriod, Product, Sim, Subscriber

from . import _people

ORDER = 20
SEED = 20250101
TARGET_SUBSCRIBERS = 1000
DEMO_PUK1 = "12345678"  # SIM codes of the well-known numbers, printed for trying PUK1 flows
DEMO_PIN1 = "1234"

Status = Subscriber.Status
Device = Subscriber.Device


@dataclass(frozen=True)
class DemoNumber:
    msisdn: str
    name: str
    plan: str
    role: str  # what the number shows, for the command output and docs/demo.md (English)
    payment: str = Account.PaymentMethod.PREPAID
    balance: int = 2500  # kopecks
    status: str = Status.ACTIVE
    device: str = Device.PHONE
    services: tuple[str, ...] = ()
    user: bool = True  # gets an ISSA login (users loader)
    company: int | None = None  # index in _people.COMPANIES: the number belongs to that legal entity


DEMO_NUMBERS = [
    DemoNumber("375291000001", "Ковалёв Андрей Сергеевич", "smart", "everyday prepaid subscriber",
               balance=2540, services=("mi-5gb", "voicemail-plus", "who-called")),
    DemoNumber("375291000002", "Новик Ольга Владимировна", "comfort", "Pause active (SVC-9)",
               balance=815, status=Status.PAUSED, services=("pause",)),
    DemoNumber("375291000003", "Жук Дмитрий Николаевич", "video", "«Видеонаблюдение» camera, PUK1 login (AUTH-4)",
               balance=1200, device=Device.DEVICE),
    DemoNumber("375291000004", "Лукашевич Елена Игоревна", "smart-plus", "postpaid with a credit limit",
               payment=Account.PaymentMethod.POSTPAID, balance=-1870, services=("mi-15gb", "forwarding")),
    DemoNumber("375291000005", "Мельник Павел Андреевич", "business-pro",
               "employee of ООО «Белтехсервис»: corporate administrator candidate (AUTH-11)",
               payment=Account.PaymentMethod.POSTPAID, balance=-12450, company=0, services=("favourite",)),
    DemoNumber("375291000006", "Карпович Алина Юрьевна", "internet-tablet", "internet-only plan on a tablet",
               balance=1490, device=Device.TABLET),
    DemoNumber("375291000007", "Савицкий Максим Олегович", "privet-basic", "brand «ПРИВЕТ» (FIN-6 refund rule)",
               balance=300),
    DemoNumber("375291000008", "Томашевич Наталья Петровна", "classic", "blocked: not enough money",
               balance=-45, status=Status.BLOCKED_FUNDS),
    DemoNumber("375291000009", "Адамович Сергей Викторович", "smart", "no ISSA login yet: try registration (AUTH-1)",
               balance=1000, user=False),
    DemoNumber("375291000010", "Бондарь Ирина Александровна", "satellite",
               "«Спутниковый мониторинг» tracker without login: try PUK1 registration", balance=500,
               device=Device.DEVICE, user=False),
]  # fmt: skip

PERSON_PLANS = {  # plan code -> weight among persons' numbers
    "smart": 18, "smart-plus": 12, "smart-max": 6, "comfort": 14, "classic": 10, "family": 8, "unlimited": 4,
    "privet-basic": 7, "privet-unlim": 5, "internet-tablet": 3, "internet-modem": 2, "internet-unlim": 1,
    "video": 1, "satellite": 1, "home-100": 2, "office-300": 1,
}  # fmt: skip
DEVICE_OF_PLAN = {
    "internet-tablet": Device.TABLET, "internet-modem": Device.MODEM, "internet-unlim": Device.MODEM,
    "video": Device.DEVICE, "satellite": Device.DEVICE, "home-100": Device.MODEM, "office-300": Device.MODEM,
}  # fmt: skip
STATUSES = {  # random persons' numbers
    Status.ACTIVE: 940, Status.PAUSED: 20, Status.SUSPENDED_CLIENT: 8, Status.BLOCKED_FUNDS: 20,
    Status.SUSPENDED_OPERATOR: 5, Status.CLOSED: 7,
}  # fmt: skip
MOBILE_EXTRAS = {  # service code -> probability on a phone number
    "mi-1gb": 0.08, "mi-5gb": 0.12, "mi-15gb": 0.06, "voicemail": 0.15, "voicemail-plus": 0.05,
    "who-called": 0.2, "caller-id": 0.3, "sms-50": 0.05, "min-100": 0.05, "roaming": 0.1, "ringback": 0.04,
}  # fmt: skip
MOBILE_PREFIXES = ["291", "293", "296", "299", "445", "447", "449"]


@dataclass
class SubPlan:
    msisdn: str
    plan: str
    status: str
    device: str
    activated_on: date
    user_name: str = ""
    services: list[str] = field(default_factory=list)
    pin1: str = ""
    puk1: str = ""
    pin2: str = ""
    puk2: str = ""


@dataclass
class AccountPlan:
    number: str
    client_kind: str
    client_name: str
    unp: str
    email: str
    address: str
    payment: str
    opened_on: date
    credit_limit: int
    opening: int  # kopecks; 0 books nothing
    subscribers: list[SubPlan] = field(default_factory=list)


class _Generator:
    """Draws the whole population from the seed; owns the MSISDN and SIM code streams."""

    def __init__(self, today: date) -> None:
        self.rng = random.Random(SEED)
        self.today = today
        self.used: set[str] = {d.msisdn for d in DEMO_NUMBERS}

    def msisdn(self, fixed_line: bool = False) -> str:
        while True:
            if fixed_line:
                number = f"37517{self.rng.randint(2000000, 3999999)}"
            else:
                number = f"375{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randint(100000, 999999)}"
            if number not in self.used and not number.startswith("37529100"):
                self.used.add(number)
                return number

    def codes(self, sub: SubPlan) -> None:
        r = self.rng
        sub.pin1, sub.pin2 = f"{r.randint(0, 9999):04d}", f"{r.randint(0, 9999):04d}"
        sub.puk1, sub.puk2 = f"{r.randint(0, 99999999):08d}", f"{r.randint(0, 99999999):08d}"

    def demo_codes(self, sub: SubPlan) -> None:
        self.codes(sub)  # keeps the random stream the same
        sub.pin1, sub.puk1 = DEMO_PIN1, DEMO_PUK1

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def extras(self, plan: str) -> list[str]:
        if plan in DEVICE_OF_PLAN:
            return []
        return [code for code, p in MOBILE_EXTRAS.items() if self.rng.random() < p]

    def opening(self, payment: str, status: str) -> int:
        r = self.rng
        if status == Status.BLOCKED_FUNDS:
            return -r.randint(1, 300)
        if payment == Account.PaymentMethod.POSTPAID:
            return r.randint(-6000, 2000)
        band = r.random()
        if band < 0.1:
            return r.randint(1, 200)
        if band < 0.7:
            return r.randint(200, 4000)
        return r.randint(4000, 12000)

    def population(self) -> list[AccountPlan]:
        accounts = self._demo_accounts()
        accounts += self._companies(accounts)
        accounts += self._persons(TARGET_SUBSCRIBERS - sum(len(a.subscribers) for a in accounts))
        return accounts

    def _demo_accounts(self) -> list[AccountPlan]:
        accounts = []
        for i, demo in enumerate(d for d in DEMO_NUMBERS if d.company is None):
            opened = date(2019, 3, 1) + timedelta(days=97 * i)
            account = AccountPlan(
                number=f"30000{i + 1:04d}", client_kind=Client.Kind.PERSON, client_name=demo.name, unp="",
                email=_people.email_for(self.rng, demo.name, i), address=_people.address(self.rng),
                payment=demo.payment, opened_on=opened,
                credit_limit=10000 if demo.payment == Account.PaymentMethod.POSTPAID else 0, opening=demo.balance,
            )  # fmt: skip
            sub = SubPlan(demo.msisdn, demo.plan, demo.status, demo.device, opened, services=list(demo.services))
            self.demo_codes(sub)
            account.subscribers.append(sub)
            accounts.append(account)
        return accounts

    def _companies(self, demo_accounts: list[AccountPlan]) -> list[AccountPlan]:
        accounts = []
        for i, (name, unp_prefix, city, domain, mix) in enumerate(_people.COMPANIES):
            opened = date(2014 + i, 2 + i, 10)
            account = AccountPlan(
                number=f"50000{i + 1:04d}", client_kind=Client.Kind.LEGAL, client_name=name,
                unp=_people.unp(unp_prefix), email=f"buh@{domain}",
                address=f"{city}, {self.rng.choice(_people.STREETS)}, д. {self.rng.randint(1, 80)}",
                payment=Account.PaymentMethod.POSTPAID, opened_on=opened,
                credit_limit=self.rng.choice([50000, 100000, 300000]), opening=-self.rng.randint(5000, 80000),
            )  # fmt: skip
            for demo in DEMO_NUMBERS:
                if demo.company == i:
                    sub = SubPlan(demo.msisdn, demo.plan, demo.status, demo.device, opened, demo.name,
                                  list(demo.services))  # fmt: skip
                    self.demo_codes(sub)
                    account.subscribers.append(sub)
            plans, weights = list(mix), list(mix.values())
            surname_pool = _people.SURNAMES
            for _ in range(self.rng.randint(10, 30)):
                plan = self.rng.choices(plans, weights=weights)[0]
                device = DEVICE_OF_PLAN.get(plan, Device.PHONE)
                user = (
                    ""
                    if device == Device.DEVICE
                    else _people.person(self.rng, surname=self.rng.choice(surname_pool))[0]
                )
                sub = SubPlan(
                    self.msisdn(), plan, Status.ACTIVE, device, self.day_between(opened, self.today - timedelta(30)),
                    user_name=user, services=self.extras(plan),
                )  # fmt: skip
                self.codes(sub)
                account.subscribers.append(sub)
            accounts.append(account)
        return accounts

    def _persons(self, wanted: int) -> list[AccountPlan]:
        accounts: list[AccountPlan] = []
        plans, weights = list(PERSON_PLANS), list(PERSON_PLANS.values())
        statuses, status_weights = list(STATUSES), list(STATUSES.values())
        made = 0
        n = 0
        while made < wanted:
            n += 1
            name, family = _people.person(self.rng)
            plan = self.rng.choices(plans, weights=weights)[0]
            status = self.rng.choices(statuses, weights=status_weights)[0]
            brand_privet = plan.startswith("privet")
            postpaid = not brand_privet and plan not in DEVICE_OF_PLAN and self.rng.random() < 0.15
            payment = Account.PaymentMethod.POSTPAID if postpaid else Account.PaymentMethod.PREPAID
            opened = self.day_between(date(2012, 1, 1), self.today - timedelta(days=20))
            account = AccountPlan(
                number=f"3{10000000 + n:08d}", client_kind=Client.Kind.PERSON, client_name=name, unp="",
                email=_people.email_for(self.rng, name, n) if self.rng.random() < 0.7 else "",
                address=_people.address(self.rng), payment=payment, opened_on=opened,
                credit_limit=self.rng.choice([3000, 5000, 10000]) if postpaid else 0,
                opening=self.opening(payment, status),
            )  # fmt: skip
            home = plan in ("home-100", "office-300")
            count = 1 if home else self.rng.choices([1, 2, 3], weights=[85, 12, 3])[0]
            if plan == "family":
                count = max(count, 2)
            for k in range(min(count, wanted - made)):
                sub_plan = plan if k == 0 else self.rng.choice(["family", "smart", "comfort", "classic"])
                user_name = "" if k == 0 else _people.person(self.rng, surname=family)[0]
                sub = SubPlan(
                    self.msisdn(fixed_line=home), sub_plan, status if k == 0 else Status.ACTIVE,
                    DEVICE_OF_PLAN.get(sub_plan, Device.PHONE), self.day_between(opened, self.today - timedelta(10)),
                    user_name=user_name, services=self.extras(sub_plan),
                )  # fmt: skip
                if sub.status == Status.PAUSED:
                    sub.services.append("pause")
                self.codes(sub)
                account.subscribers.append(sub)
                made += 1
            accounts.append(account)
        return accounts


def load(*, stdout: Any, now: datetime) -> None:
    today = local_date(now)
    population = _Generator(today).population()
    plans = {p.code: p for p in TariffPlan.objects.all()}
    services = {s.code: s for s in Service.objects.all()}

    # Clients and accounts, keyed by account number.
    existing_accounts = {a.number: a for a in Account.objects.filter(number__in=[a.number for a in population])}
    new_plans = [a for a in population if a.number not in existing_accounts]
    clients = Client.objects.bulk_create(
        [Client(kind=a.client_kind, name=a.client_name, unp=a.unp, email=a.email, address=a.address) for a in new_plans]
    )
    for account in Account.objects.bulk_create(
        [
            Account(
                number=a.number, client=client, payment_method=a.payment, opened_on=a.opened_on,
                credit_limit=a.credit_limit,
            )
            for a, client in zip(new_plans, clients, strict=True)
        ]
    ):  # fmt: skip
        existing_accounts[account.number] = account

    # Subscribers, keyed by MSISDN, with their SIM, plan period and connected services.
    all_subs = [(a, s) for a in population for s in a.subscribers]
    existing_msisdns = set(Subscriber.objects.filter(msisdn__in=[s.msisdn for _, s in all_subs]).values_list(
        "msisdn", flat=True))  # fmt: skip
    todo = [(a, s) for a, s in all_subs if s.msisdn not in existing_msisdns]
    subscribers = Subscriber.objects.bulk_create(
        [
            Subscriber(
                msisdn=s.msisdn, account=existing_accounts[a.number], plan=plans[s.plan], user_name=s.user_name,
                status=s.status, device=s.device, activated_on=s.activated_on,
            )
            for a, s in todo
        ]
    )  # fmt: skip
    sims, periods, products = [], [], []
    for (_account, plan), subscriber in zip(todo, subscribers, strict=True):
        sim = Sim(iccid=f"89375020{int(plan.msisdn[3:]):011d}", subscriber=subscriber)
        sim.set_codes(pin1=plan.pin1, puk1=plan.puk1, pin2=plan.pin2, puk2=plan.puk2)
        sims.append(sim)
        since = start_of_local_day(plan.activated_on)
        periods.append(PlanPeriod(subscriber=subscriber, plan=plans[plan.plan], valid_from=since))
        for k, code in enumerate(plan.services):
            if code == "pause":  # Pause started a few days ago (SVC-9)
                start = start_of_local_day(today - timedelta(days=3 + int(plan.msisdn[-1]) + k))
            else:
                start = start_of_local_day(min(plan.activated_on + timedelta(days=7 * (k + 1)), today))
            products.append(Product(subscriber=subscriber, service=services[code], active_from=start))
    Sim.objects.bulk_create(sims)
    PlanPeriod.objects.bulk_create(periods)
    Product.objects.bulk_create(products)

    # Opening balances: one ledger entry per account, once.
    keys = {f"demo:opening:{a.number}": a for a in population if a.opening}
    booked = set(LedgerEntry.objects.filter(idempotency_key__in=list(keys)).values_list("idempotency_key", flat=True))
    posted = 0
    for key, a in keys.items():
        if key in booked:
            continue
        ledger_post(
            account=existing_accounts[a.number], amount=a.opening, kind=LedgerEntry.Kind.OPENING,
            reason="Входящий остаток", idempotency_key=key, now=now, effective_at=start_of_local_day(a.opened_on),
        )  # fmt: skip
        posted += 1
    stdout.write(
        f"subscribers: {len(population)} accounts, {len(all_subs)} numbers; created {len(new_plans)} accounts, "
        f"{len(subscribers)} subscribers, {len(products)} connected services, {posted} opening balances"
    )
