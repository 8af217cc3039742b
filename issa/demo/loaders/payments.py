"""Demo payments (FIN-4, FIN-5): one express-card batch with published codes and a few card
payments of the demo numbers, credited through the ledger like real ones.

The demo batch's codes are drawn from a fixed seed so that docs/payments.md can print them
(a real batch's codes exist only in the printer's file). ``demo:`` idempotency keys make a second
run post nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from issa.billing.models import LedgerEntry
from issa.billing.services import ledger_post
from issa.core.texts import operator_text
from issa.payments.models import ExpressCard, ExpressCardBatch, Payment, Receipt
from issa.payments.services.express import code_hash, express_default_valid_until, luhn_digit
from issa.subscribers.models import Subscriber

ORDER = 70
BATCH = "DEMO-0001"
CARDS = 10
FACE_VALUE = 1000  # 10 BYN
PAYMENTS = [("375291000001", 1500, 3), ("375291000001", 2000, 20), ("375291000003", 1000, 9)]  # (msisdn, kop, days ago)


def demo_codes() -> list[str]:
    rng = random.Random(20260401)
    codes = []
    for _card in range(CARDS):
        body = "".join(str(rng.randrange(10)) for _digit in range(13))
        codes.append(body + luhn_digit(body))
    return codes


def load(*, stdout: Any, now: datetime) -> None:
    codes = demo_codes()
    until = express_default_valid_until(now=now)
    batch, _created = ExpressCardBatch.objects.get_or_create(
        number=BATCH,
        defaults={"face_value": FACE_VALUE, "quantity": CARDS, "issued_at": now, "note": "demo", "valid_until": until},
    )
    if batch.valid_until is None:  # made by a loader from before batches expired: give it the usual term
        batch.valid_until = until
        batch.save(update_fields=["valid_until"])
    have = set(ExpressCard.objects.filter(batch=batch).values_list("code_hash", flat=True))
    ExpressCard.objects.bulk_create(
        [
            ExpressCard(batch=batch, code_hash=code_hash(c), last4=c[-4:], face_value=FACE_VALUE)
            for c in codes
            if code_hash(c) not in have
        ]
    )
    subscribers = {s.msisdn: s for s in Subscriber.objects.select_related("account").filter(
        msisdn__in=[p[0] for p in PAYMENTS])}  # fmt: skip
    posted = 0
    for n, (msisdn, amount, days) in enumerate(PAYMENTS, start=1):
        subscriber = subscribers.get(msisdn)
        if subscriber is None:
            continue
        key = f"demo:card:{n}"
        if LedgerEntry.objects.filter(idempotency_key=key).exists():
            continue
        at = now - timedelta(days=days)
        payment = Payment.objects.create(
            account=subscriber.account,
            subscriber=subscriber,
            msisdn=msisdn,
            amount=amount,
            state=Payment.State.SUCCEEDED,
            acquirer_txn_id=f"demo-{n}",
            card_last4="1111",
            created_at=at,
            updated_at=at,
            expires_at=at + timedelta(minutes=30),
            paid_at=at,
        )
        entry, _created = ledger_post(
            account=subscriber.account,
            subscriber=subscriber,
            amount=amount,
            kind=LedgerEntry.Kind.PAYMENT,
            reason=operator_text(_("Card payment %(id)s"), id=payment.public_id),
            idempotency_key=key,
            now=at,
            details={"payment": str(payment.public_id), "source": "card", "card_last4": "1111"},
        )
        Receipt.objects.create(
            number=f"C{at:%y%m%d}-{payment.pk:07d}",
            payment=payment,
            msisdn=msisdn,
            amount=amount,
            issued_at=at,
            details={"transaction_id": payment.acquirer_txn_id, "card_last4": "1111", "ledger_entry": entry.pk},
        )
        posted += 1
    stdout.write(f"payments: express batch {BATCH} ({CARDS} cards, e.g. {codes[0]}), {posted} card payments")
