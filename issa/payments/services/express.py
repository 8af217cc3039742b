"""Express-payment cards (FIN-4, «Оплата картой ЭО»): batches, the printer's file, redemption.

Codes are ``EXPRESS_CARD_DIGITS`` digits: random digits and a Luhn check digit (a typo is caught
before any lookup). Only a keyed hash and the last four digits are stored, so the codes exist in
clear only in the file handed to the printer at issue time. A card credits once: redemption is a
conditional UPDATE ``WHERE state = 'active'``, so of two subscribers racing for one card exactly
one wins. Wrong codes are counted per subscriber and per IP in the cache and locked out.
"""

from __future__ import annotations

import csv
import io
import secrets
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from issa.core import rules
from issa.core.crypto import keyed_hash
from issa.core.errors import DomainError, ErrorKind
from issa.core.money import format_byn, to_roubles
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.notifications.services import sms_send

from ..models import ExpressCard, ExpressCardBatch, Receipt
from .common import credit, sms_language

HASH_PURPOSE = "express-card"
HOUR = 3600
MAX_BATCH = 100_000


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(code: str) -> bool:
    return len(code) > 1 and code.isdigit() and luhn_digit(code[:-1]) == code[-1]


def new_code() -> str:
    length = int(rules.get("EXPRESS_CARD_DIGITS"))
    body = "".join(str(secrets.randbelow(10)) for _ in range(length - 1))
    return body + luhn_digit(body)


def code_hash(code: str) -> str:
    return keyed_hash(code, HASH_PURPOSE)


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "") if not ch.isspace() and ch != "-")


def express_batch_issue(
    *, face_value: int, quantity: int, note: str, actor: Actor, now: datetime
) -> tuple[ExpressCardBatch, list[str]]:
    """Issue a batch; returns the codes in clear ONCE (for the printer's file), never again."""
    if not isinstance(face_value, int) or face_value <= 0:
        raise DomainError("express_face_value", _("Enter a positive face value."), field="face_value")
    if not 1 <= quantity <= MAX_BATCH:
        raise DomainError(
            "express_quantity", _("A batch holds from 1 to %(max)s cards."), field="quantity", max=MAX_BATCH
        )
    codes: list[str] = []
    hashes: set[str] = set()
    while len(codes) < quantity:
        code = new_code()
        digest = code_hash(code)
        if digest not in hashes:
            hashes.add(digest)
            codes.append(code)
    taken = set(ExpressCard.objects.filter(code_hash__in=hashes).values_list("code_hash", flat=True))
    while taken:  # astronomically rare: replace codes that exist already
        for i, code in enumerate(codes):
            if code_hash(code) in taken:
                replacement = new_code()
                while code_hash(replacement) in hashes:
                    replacement = new_code()
                hashes.discard(code_hash(code))
                hashes.add(code_hash(replacement))
                codes[i] = replacement
        taken = set(ExpressCard.objects.filter(code_hash__in=hashes).values_list("code_hash", flat=True))
    with transaction.atomic():
        seq = ExpressCardBatch.objects.filter(issued_at__date=now.date()).count() + 1
        batch = ExpressCardBatch.objects.create(
            number=f"B{now:%Y%m%d}-{seq:03d}-{secrets.token_hex(2)}",
            face_value=face_value,
            quantity=quantity,
            issued_at=now,
            issued_by=actor.user,
            note=note[:200],
        )
        ExpressCard.objects.bulk_create(
            [ExpressCard(batch=batch, code_hash=code_hash(c), last4=c[-4:], face_value=face_value) for c in codes],
            batch_size=2000,
        )
        audit_record(
            actor=actor,
            action="express.batch_issue",
            now=now,
            obj=batch,
            details={"face_value": face_value, "quantity": quantity},
        )
    return batch, codes


def express_batch_export(*, batch: ExpressCardBatch, codes: list[str], fmt: str) -> tuple[str, bytes, str]:
    """The printer's file (CSV or Excel) with the codes: made once, from the issue's answer."""
    rows = [(i, code, str(to_roubles(batch.face_value))) for i, code in enumerate(codes, start=1)]
    header = ("serial", "code", "face_value_byn")
    if fmt == "xlsx":
        import xlsxwriter

        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet(batch.number[:31])
        text = book.add_format({"num_format": "@"})
        sheet.write_row(0, 0, header)
        for r, (serial, code, value) in enumerate(rows, start=1):
            sheet.write_number(r, 0, serial)
            sheet.write_string(r, 1, code, text)  # as text: Excel would round 14 digits
            sheet.write_string(r, 2, value)
        sheet.set_column(1, 1, 18)
        book.close()
        return (
            f"{batch.number}.xlsx",
            out.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return f"{batch.number}.csv", buf.getvalue().encode("utf-8"), "text/csv"


# --- redemption -----------------------------------------------------------------------------


def _key(scope: str, value: str) -> str:
    return f"issa:express:{scope}:{value}"


def _limits() -> dict[str, int]:
    return {
        "sub": int(rules.get("EXPRESS_CARD_FAILURES_PER_SUBSCRIBER")),
        "ip": int(rules.get("EXPRESS_CARD_FAILURES_PER_IP")),
    }


def _guard(*, subscriber_id: int, ip: str | None) -> None:
    limits = _limits()
    for scope, value in (("sub", str(subscriber_id)), ("ip", ip)):
        if value and int(cache.get(_key(scope, value)) or 0) >= limits[scope]:
            raise DomainError(
                "express_too_many_attempts",
                _("Too many wrong card codes. Try again in an hour."),
                kind=ErrorKind.RATE_LIMITED,
            )


def _count_failure(*, subscriber_id: int, ip: str | None) -> None:
    for scope, value in (("sub", str(subscriber_id)), ("ip", ip)):
        if not value:
            continue
        key = _key(scope, value)
        if not cache.add(key, 1, HOUR):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, HOUR)


def express_limits_clear(*, subscriber_id: int | None = None, ip: str | None = None) -> None:
    if subscriber_id is not None:
        cache.delete(_key("sub", str(subscriber_id)))
    if ip:
        cache.delete(_key("ip", ip))


def express_card_redeem(
    *, subscriber: Any, code: str, actor: Actor, now: datetime, limit_ip: bool = True
) -> tuple[ExpressCard, Any]:
    """Credit the card's face value to ``subscriber``'s account, once per card (FIN-4).

    ``limit_ip=False`` for channels whose IP is a gateway's, shared by everyone (USSD)."""
    ip = actor.ip if limit_ip else None
    _guard(subscriber_id=subscriber.pk, ip=ip)
    code = normalize_code(code)
    digits = int(rules.get("EXPRESS_CARD_DIGITS"))
    if len(code) != digits or not luhn_valid(code):
        _count_failure(subscriber_id=subscriber.pk, ip=ip)
        raise DomainError(
            "express_code_invalid",
            _("Enter the %(digits)s-digit code printed on the card; check it for typos."),
            field="code",
            digits=digits,
        )
    digest = code_hash(code)
    with transaction.atomic():
        won = ExpressCard.objects.filter(code_hash=digest, state=ExpressCard.State.ACTIVE).update(
            state=ExpressCard.State.REDEEMED, redeemed_at=now, redeemed_subscriber=subscriber
        )
        card = ExpressCard.objects.filter(code_hash=digest).first()
        if not won:
            if card is None:
                audit_record(
                    actor=actor, action="express.redeem", now=now, subscriber=subscriber, outcome="unknown_code"
                )
                failure: DomainError | None = DomainError(
                    "express_code_unknown",
                    _("No card with this code. Check the code and try again."),
                    kind=ErrorKind.NOT_FOUND,
                    field="code",
                )
            else:
                audit_record(
                    actor=actor, action="express.redeem", now=now, subscriber=subscriber, obj=card, outcome="used"
                )
                failure = DomainError(
                    "express_card_used", _("This card has already been used."), kind=ErrorKind.CONFLICT, field="code"
                )
        else:
            failure = None
            card = ExpressCard.objects.get(code_hash=digest)
            entry, _created = credit(
                account=subscriber.account,
                subscriber=subscriber,
                amount=card.face_value,
                reason=f"Express card …{card.last4}",
                key=f"express:{card.pk}",
                now=now,
                details={"express_card": card.pk, "batch": card.batch_id},
            )
            Receipt.objects.create(
                number=f"E{now:%y%m%d}-{card.pk:07d}",
                express_card=card,
                msisdn=subscriber.msisdn,
                amount=card.face_value,
                issued_at=now,
                details={"card_last4": card.last4, "ledger_entry": entry.pk},
            )
            audit_record(
                actor=actor,
                action="express.redeem",
                now=now,
                subscriber=subscriber,
                obj=card,
                details={"amount": card.face_value, "ledger_entry": entry.pk},
            )
            from issa.billing.selectors import account_balance

            with sms_language():
                text = gettext("Express card …%(last4)s: %(amount)s credited. Balance: %(balance)s.") % {
                    "last4": card.last4,
                    "amount": format_byn(card.face_value),
                    "balance": format_byn(account_balance(account_id=subscriber.account_id)),
                }
            sms_send(msisdn=subscriber.msisdn, text=text, kind="payment", now=now)
    if failure is not None:
        if failure.code == "express_code_unknown":
            _count_failure(subscriber_id=subscriber.pk, ip=ip)
        raise failure
    return ExpressCard.objects.get(code_hash=digest), entry
