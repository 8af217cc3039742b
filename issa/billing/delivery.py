"""Delivery of bills (BILL-5, BILL-6, BILL-7).

* **Method and address** (BILL-7): e-mail (PDF, optionally also Excel) or "Получает сам"
  (collected in person, on paper). A change goes through the identity app's pending-request
  mechanism: ``delivery_change_start`` remembers what is asked, the user confirms on the next
  page (``delivery_change_confirm``) or cancels. Settings are a history (``DeliverySetting``,
  append-only): the regular bill of a period goes by the last setting made before the period
  ended — the last address set within the period.
* **Regular delivery** after the bill run: ``deliveries_regular`` makes one ``BillDelivery`` per
  bill (unique: exactly once) and sends the e-mails in the worker; each sending is recorded with
  when, where, how and the result (BILL-6). A mail server that is down or answers "try later"
  (4xx) does not lose a bill: the delivery stays queued and is tried again after 5 min, 30 min,
  2 h, 6 h and 24 h (``deliveries_retry``, a periodic job); a refusal for good (5xx, e.g. an
  unknown mailbox) or the last try failing marks it "not delivered" with the error.
* **Re-send** (BILL-5): a chosen period's bill to the contract e-mail (``Client.email``).

E-mail leaves through the notifications app's delivery function (Django's SMTP backend); the
sending task calls it directly so that the result is known and recorded.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from issa.core import clock
from issa.core.clock import period_for_key
from issa.core.errors import DomainError, ErrorKind, not_found
from issa.core.queue import enqueue
from issa.customers.models import Account
from issa.identity.actor import Actor
from issa.identity.services import audit_record

from .bills import bill_get, bill_view, bills_window_check, history_periods
from .models import Bill, BillDelivery, DeliverySetting

Method = DeliverySetting.Method
PENDING_KIND = "billing.delivery_change"
BATCH = 500
# Waits before the 2nd, 3rd, … try of an e-mail that failed for a reason that may pass.
RETRY_AFTER = (
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=24),
)
# A queued delivery with no retry planned and older than this lost its task (a worker killed
# between commit and run): the retry job queues it again. Sending is idempotent under a row lock.
STALE_QUEUED = timedelta(hours=1)


@dataclass(frozen=True)
class DeliveryChoice:
    """The delivery in force (a saved setting or the default: collected in person)."""

    method: str
    email: str
    excel: bool
    set_at: datetime | None

    @property
    def method_label(self) -> str:
        return str(Method(self.method).label)

    @property
    def self_collect(self) -> bool:
        return self.method == Method.PAPER


DEFAULT = DeliveryChoice(Method.PAPER, "", False, None)


def delivery_current(*, account: Account, at: datetime) -> DeliveryChoice:
    """The setting in force at ``at``: the last one set before it."""
    row = DeliverySetting.objects.filter(account=account, set_at__lt=at).order_by("-set_at", "-id").first()
    if row is None:
        return DEFAULT
    return DeliveryChoice(row.method, row.email, row.excel, row.set_at)


def _clean(method: str, email: str, excel: bool) -> dict[str, Any]:
    if method not in Method.values:
        raise DomainError("delivery_method_invalid", _("Choose how to receive bills."), field="method")
    email = (email or "").strip()
    if method == Method.EMAIL:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError("delivery_email_invalid", _("Enter a valid e-mail address."), field="email") from None
        if len(email) > 254:
            raise DomainError("delivery_email_invalid", _("Enter a valid e-mail address."), field="email")
        return {"method": method, "email": email, "excel": bool(excel)}
    return {"method": method, "email": "", "excel": False}


def delivery_change_start(
    *, account: Account, user: Any, session_key: str, method: str, email: str, excel: bool, actor: Actor, now: datetime
) -> Any:
    """Step 1 of BILL-7: check the input and the BILL-4 window; remember the request."""
    from issa.identity.services import pending_start

    bills_window_check(now=now)
    payload = {**_clean(method, email, excel), "account": account.pk}
    return pending_start(session_key=session_key, user=user, kind=PENDING_KIND, payload=payload, actor=actor, now=now)


def delivery_change_confirm(
    *, account: Account, user: Any, session_key: str, request_id: int, actor: Actor, now: datetime
) -> DeliverySetting:
    """Step 2 of BILL-7: the request must be pending in this session; then the new setting is saved."""
    from issa.identity.models import PendingRequest
    from issa.identity.services import pending_confirm

    bills_window_check(now=now)
    if not PendingRequest.objects.filter(pk=request_id, user=user, kind=PENDING_KIND).exists():
        raise not_found()
    with transaction.atomic():
        req = pending_confirm(request_id=request_id, user=user, session_key=session_key, actor=actor, now=now)
        payload = req.payload
        if payload.get("account") != account.pk:
            raise not_found()
        data = _clean(payload["method"], payload.get("email", ""), payload.get("excel", False))
        setting = DeliverySetting.objects.create(account=account, set_at=now, set_by=actor.label[:64], **data)
        audit_record(
            actor=actor,
            action="billing.delivery_changed",
            now=now,
            client=account.client,
            obj=setting,
            details={"method": data["method"], "excel": data["excel"]},
        )
    return setting


def delivery_change_cancel(*, user: Any, request_id: int, actor: Actor, now: datetime) -> None:
    from issa.identity.models import PendingRequest
    from issa.identity.services import pending_cancel

    if not PendingRequest.objects.filter(pk=request_id, user=user, kind=PENDING_KIND).exists():
        raise not_found()
    pending_cancel(request_id=request_id, user=user, actor=actor, now=now)


def bill_resend(*, account: Account, period_key: str, actor: Actor, now: datetime) -> BillDelivery:
    """BILL-5: send the chosen period's bill again, to the contract e-mail."""
    bills_window_check(now=now)
    bill = bill_get(account=account, period_key=period_key, now=now)
    address = account.client.email
    if not address:
        raise DomainError(
            "contract_email_missing",
            _("No e-mail address is given in your contract. Please contact a sales office."),
            kind=ErrorKind.CONFLICT,
        )
    with transaction.atomic():
        delivery = BillDelivery.objects.create(
            bill=bill, kind=BillDelivery.Kind.RESEND, method=Method.EMAIL, address=address, created_at=now
        )
        audit_record(
            actor=actor,
            action="billing.bill_resent",
            now=now,
            client=account.client,
            obj=delivery,
            details={"period": bill.period},
        )
        enqueue("issa.billing.tasks.bill_delivery_send", delivery.pk)
    return delivery


def delivery_history(*, account: Account, now: datetime) -> list[BillDelivery] | None:
    """BILL-6: the regular deliveries of the last months; ``None`` for the group "Получает сам"."""
    if delivery_current(account=account, at=now).self_collect:
        return None
    keys = [p.key for p in history_periods(now=now)]
    return list(
        BillDelivery.objects.filter(bill__account=account, bill__period__in=keys, kind=BillDelivery.Kind.REGULAR)
        .select_related("bill")
        .order_by("-bill__period", "-created_at")
    )


def deliveries_regular(*, period_key: str, now: datetime, batch_size: int = BATCH) -> int:
    """After the bill run: one regular delivery per bill of the period, by the setting in force at
    the period's end. Exactly once (a unique regular delivery per bill); resumable by batches."""
    period = period_for_key(period_key)
    made = 0
    last_id = 0
    while True:
        with transaction.atomic():
            bills = list(
                Bill.objects.filter(period=period.key, id__gt=last_id)
                .exclude(deliveries__kind=BillDelivery.Kind.REGULAR)
                .order_by("id")
                .values_list("id", "account_id")[:batch_size]
            )
            if not bills:
                return made
            last_id = bills[-1][0]
            settings: dict[int, DeliverySetting] = {}
            for row in DeliverySetting.objects.filter(
                account_id__in=[a for _b, a in bills], set_at__lt=period.end
            ).order_by("account_id", "set_at", "id"):
                settings[row.account_id] = row  # the last one wins
            rows = []
            for bill_id, account_id in bills:
                setting = settings.get(account_id)
                if setting is None or setting.method == Method.PAPER:
                    rows.append(
                        BillDelivery(
                            bill_id=bill_id,
                            kind=BillDelivery.Kind.REGULAR,
                            method=Method.PAPER,
                            status=BillDelivery.Status.SENT,
                            created_at=now,
                            sent_at=now,
                        )
                    )
                else:
                    rows.append(
                        BillDelivery(
                            bill_id=bill_id,
                            kind=BillDelivery.Kind.REGULAR,
                            method=Method.EMAIL,
                            address=setting.email,
                            excel=setting.excel,
                            created_at=now,
                        )
                    )
            created = BillDelivery.objects.bulk_create(rows, ignore_conflicts=True)
            ids = list(
                BillDelivery.objects.filter(
                    bill_id__in=[b for b, _a in bills],
                    kind=BillDelivery.Kind.REGULAR,
                    method=Method.EMAIL,
                    status=BillDelivery.Status.QUEUED,
                ).values_list("id", flat=True)
            )
            for delivery_id in ids:
                enqueue("issa.billing.tasks.bill_delivery_send", delivery_id)
            made += len(created)


def bill_delivery_send(*, delivery_id: int, now: datetime | None = None) -> str:
    """Render and send one delivery; record the result (sent or not delivered, with the error).
    A delivery already sent is not sent again (a repeated task)."""
    from django.utils import translation

    from issa.notifications.tasks import email_deliver

    from .documents import bill_document

    now = now or clock.now()
    with transaction.atomic():
        delivery = (
            BillDelivery.objects.select_for_update()
            .select_related("bill__account__client")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != BillDelivery.Status.QUEUED or delivery.method != Method.EMAIL:
            return "nothing to send"
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return "not yet"  # an early duplicate task does not spend a try
        bill = delivery.bill
        view = bill_view(bill, bill.account)
        attachments = [bill_document(view, "pdf")]
        if delivery.excel:
            attachments.append(bill_document(view, "xlsx"))
        with translation.override("ru"):
            subject = str(_("Bill for communication services for %(period)s")) % {"period": view.period_label}
            body = str(_("Dear client, your bill No. %(number)s for %(period)s is attached. Amount due: %(due)s.")) % {
                "number": bill.number,
                "period": view.period_label,
                "due": view.display("amount_due"),
            }
        payload = {
            "to": [delivery.address],
            "subject": subject,
            "body": body,
            "attachments": attachments,
        }
        delivery.attempts += 1
        try:
            email_deliver(payload)
        except Exception as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"[:255]
            if _refused_for_good(exc) or delivery.attempts > len(RETRY_AFTER):
                delivery.status = BillDelivery.Status.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + RETRY_AFTER[delivery.attempts - 1]
        else:
            delivery.status = BillDelivery.Status.SENT
            delivery.sent_at = now
            delivery.error = ""
            delivery.next_attempt_at = None
        delivery.save(update_fields=["status", "error", "sent_at", "attempts", "next_attempt_at"])
    if delivery.status == BillDelivery.Status.QUEUED and delivery.next_attempt_at is not None:
        return f"retry at {delivery.next_attempt_at.astimezone(clock.OPERATOR_TZ):%Y-%m-%d %H:%M}"
    return str(delivery.status)


def _refused_for_good(exc: BaseException) -> bool:
    """A 5xx answer means the server refuses for good (no such mailbox, message rejected): trying
    again would not help. Connection failures and 4xx ("try later") may pass."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _msg in exc.recipients.values())
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def deliveries_retry(*, now: datetime) -> int:
    """Queue again the e-mails whose next try is due, and those whose task was lost."""
    due = BillDelivery.objects.filter(
        status=BillDelivery.Status.QUEUED, method=Method.EMAIL, next_attempt_at__lte=now
    ).values_list("id", flat=True)
    lost = BillDelivery.objects.filter(
        status=BillDelivery.Status.QUEUED,
        method=Method.EMAIL,
        next_attempt_at__isnull=True,
        created_at__lte=now - STALE_QUEUED,
    ).values_list("id", flat=True)
    ids = sorted({*due, *lost})
    with transaction.atomic():
        for delivery_id in ids:
            enqueue("issa.billing.tasks.bill_delivery_send", delivery_id)
    return len(ids)
