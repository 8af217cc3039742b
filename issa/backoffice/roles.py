"""Staff roles: the least rights each job in the back office needs (ADR 0009).

``ROLES`` is the one table of who may do what; ``roles_sync`` makes the database's groups equal
to it (created when missing, permissions set to exactly the list, nothing else touched). It runs
after every ``migrate`` (post_migrate, so on every deploy and in every test database) and on
demand with ``manage.py issa_staff_roles``. A group's permissions edited by hand in the admin
are put back by the next sync: change this table instead, in a reviewed commit.

Permissions are ``"app_label.codename"``. Model permissions come from Django
(``view_``/``add_``/``change_``/``delete_``); the rights of admin actions that are not a model's
are on ``backoffice.StaffRight`` (``issa/backoffice/models.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction


@dataclass(frozen=True)
class Role:
    key: str  # the demo staff login of this role and the id in docs
    name: str  # the group's name as staff see it
    job: str  # what the role is for (docs, the command's listing)
    permissions: tuple[str, ...] = field(default_factory=tuple)


def _view(*labels: str) -> tuple[str, ...]:
    """``"app.model"`` -> ``"app.view_model"``."""
    return tuple(f"{label.split('.')[0]}.view_{label.split('.')[1]}" for label in labels)


def _edit(*labels: str, delete: bool = True) -> tuple[str, ...]:
    verbs = ("view", "add", "change", "delete") if delete else ("view", "add", "change")
    return tuple(f"{label.split('.')[0]}.{verb}_{label.split('.')[1]}" for label in labels for verb in verbs)


# Finding a subscriber and looking at their page: number, plan, SIM (ICCID only), services,
# client and account with its balance, ISSA access and its history.
FIND_SUBSCRIBER = _view(
    "subscribers.subscriber",
    "subscribers.sim",
    "subscribers.planperiod",
    "subscribers.product",
    "customers.client",
    "customers.account",
    "access.subscriberaccess",
    "access.accessblock",
    "access.corporaterole",
)

ROLES: tuple[Role, ...] = (
    Role(
        key="cc411",
        name="Контакт-центр 411",
        job="Finds subscribers, sees their page, restricts and restores ISSA access, takes lost SIM "
        "reports, sends temporary passwords and unlocks logins, answers feedback.",
        permissions=(
            *FIND_SUBSCRIBER,
            *_view("billing.ledgerentry", "orders.order", "identity.auditevent", "support.answertemplate"),
            "backoffice.access_restrict",
            "backoffice.access_lost_sim",
            "backoffice.password_help",
            "identity.view_user",
            "support.view_supportrequest",
            "support.change_supportrequest",
        ),
    ),
    Role(
        key="sales",
        name="Центр продаж",
        job="Finds subscribers, sets the PUK1 registration flag, assigns corporate roles and takes "
        "clients' applications, issues home logins, takes lost SIM reports, sends temporary passwords.",
        permissions=(
            *FIND_SUBSCRIBER,
            "access.view_clientaccess",
            "backoffice.puk_registration",
            "backoffice.corporate_role",
            "backoffice.client_application",
            "backoffice.home_login_issue",
            "backoffice.access_lost_sim",
            "backoffice.password_help",
            "identity.view_user",
        ),
    ),
    Role(
        key="finance",
        name="Финансы",
        job="Reviews refund requests, issues express cards, watches the bill run, sees payments and the ledger.",
        permissions=(
            *_view(
                "finance.refundrequest",
                "finance.promisedpayment",
                "finance.installmentplan",
                "finance.installmentpayment",
                "payments.payment",
                "payments.callbacklog",
                "payments.receipt",
                "payments.expresscardbatch",
                "payments.expresscard",
                "billing.ledgerentry",
                "billing.billrun",
                "billing.billrunfailure",
                "billing.bill",
                "billing.billdelivery",
                "customers.client",
                "customers.account",
            ),
            "finance.change_refundrequest",  # approve or reject (FIN-6)
            "payments.add_expresscard",  # issue a batch (FIN-4)
            "payments.void_expresscard",  # void a batch or chosen cards (FIN-4)
        ),
    ),
    Role(
        key="catalog",
        name="Каталог",
        job="Edits the catalogue: plans, services, their terms, prices and allowances, number "
        "categories, the internet statistics' domain mapping.",
        permissions=(
            *_edit("catalog.tariffplan", "catalog.service", "catalog.numbercategory", delete=False),
            *_edit(
                "catalog.planterms",
                "catalog.serviceterms",
                "catalog.usageprice",
                "catalog.allowance",
                "catalog.servicerule",
                "catalog.serviceavailability",
                "catalog.planchangeterms",
                "usage.servicedomain",
            ),
        ),
    ),
    Role(
        key="billing",
        name="Биллинг/операции",
        job="Watches usage imports and re-processes or dismisses quarantined lines, watches the bill run.",
        permissions=_view(
            "usage.usagesource",
            "usage.usagefile",
            "usage.quarantinedline",  # its re-process and dismiss actions need exactly this
            "usage.usagerecord",
            "billing.billrun",
            "billing.billrunfailure",
            "billing.bill",
            "billing.billdelivery",
            "rating.closedperiod",
        ),
    ),
    Role(
        key="support",
        name="Поддержка",
        job="Answers feedback (SUP-2) and keeps the answer templates.",
        permissions=(
            "support.view_supportrequest",
            "support.change_supportrequest",
            *_edit("support.answertemplate", delete=False),
            "subscribers.view_subscriber",
        ),
    ),
)

ROLE_BY_KEY = {role.key: role for role in ROLES}


def permissions_of(names: tuple[str, ...]) -> list[Permission]:
    wanted: set[tuple[str, str]] = set()
    for name in names:
        app_label, codename = name.split(".", 1)
        wanted.add((app_label, codename))
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in={codename for _, codename in wanted}
        )
    }
    missing = sorted(f"{app}.{codename}" for app, codename in wanted if (app, codename) not in found)
    if missing:
        raise ImproperlyConfigured(f"Staff roles name permissions that do not exist: {', '.join(missing)}")
    return [found[key] for key in sorted(wanted)]


def roles_sync(*, now: datetime | None = None, audit: bool = True) -> dict[str, dict[str, Any]]:
    """Make each role's group hold exactly its permissions. Returns per group what was added and
    removed (empty lists when already equal). A change is audited as the system's, except after
    ``migrate`` (``audit=False``): a new database, and every test database, starts with no
    audit rows."""
    from issa.core import clock
    from issa.identity.actor import Actor
    from issa.identity.services import audit_record

    now = now or clock.now()
    report: dict[str, dict[str, Any]] = {}
    with transaction.atomic():
        for role in ROLES:
            group, created = Group.objects.get_or_create(name=role.name)
            wanted = permissions_of(role.permissions)
            have = set(group.permissions.values_list("pk", flat=True))
            want = {p.pk for p in wanted}
            by_pk = {p.pk: p for p in wanted}
            added = sorted(f"{by_pk[pk].content_type.app_label}.{by_pk[pk].codename}" for pk in want - have)
            removed_pks = have - want
            removed = sorted(
                f"{p.content_type.app_label}.{p.codename}"
                for p in Permission.objects.select_related("content_type").filter(pk__in=removed_pks)
            )
            if added or removed:
                group.permissions.set(wanted)
            if (added or removed) and audit:
                audit_record(
                    actor=Actor.system("staff roles"),
                    action="staff.role_synced",
                    now=now,
                    obj=group,
                    details={"role": role.key, "created": created, "added": added, "removed": removed},
                )
            report[role.name] = {"created": created, "added": added, "removed": removed}
    return report
