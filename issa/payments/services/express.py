"""Express-payment cards (FIN-4, «Оплата картой ЭО»): batches, the printer's file, redemption.

Codes are ``EXPRESS_CARD_DIGITS`` digits: random digits and a Luhn check digit (a typo is caught
before any lookup). Only a keyed hash and the last four digits are stored, so the codes exist in
clear only in the file handed to the printer at issue time. A card credits once: redemption is a
conditional UPDATE ``WHERE state = 'active'``, so of two subscribers racing for one card exactly
one wins. Wrong codes are counted per subscriber and per IP in the cache and locked out.

A batch is valid until a date (``valid_until``, the last day in Europe/Minsk, printed on the
cards; default ``EXPRESS_CARD_VALID_DAYS`` after issue): later its cards are refused and counted
as expired. Staff void a batch or single cards (lost at the printer, a stolen shipment) with a
reason; a redeemed card cannot be voided (its money is on a balance). Redemption and voiding lock
the card rows (``SELECT … FOR UPDATE``), so when they race exactly one wins. A voided card is
answered exactly like an unknown code (same code, message, status and rate-limit count): whoever
holds a voided code learns nothing about it.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from issa.core import clock, rules
from issa.core.crypto import keyed_hash
from issa.core.errors import DomainError, ErrorKind
from issa.core.money import format_byn, to_roubles
from issa.core.texts import operator_text
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.notifications.services import subscriber_notify

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


def express_default_valid_until(*, now: datetime) -> date:
    """The "valid until" date a batch issued at ``now`` gets unless staff choose another."""
    return clock.local_date(now) + timedelta(days=int(rules.get("EXPRESS_CARD_VALID_DAYS")))


def express_batch_issue(
    *, face_value: int, quantity: int, note: str, actor: Actor, now: datetime, valid_until: date | None = None
) -> tuple[ExpressCardBatch, list[str]]:
    """Issue a batch; returns the codes in clear ONCE (for the printer's file), never again.

    ``valid_until`` (the last day its cards can be redeemed) defaults to
    ``express_default_valid_until``; it must be after today."""
    if valid_until is None:
        valid_until = express_default_valid_until(now=now)
    if valid_until <= clock.local_date(now):
        raise DomainError("express_valid_until", _("The cards must stay valid after today."), field="valid_until")
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
            valid_until=valid_until,
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
            details={"face_value": face_value, "quantity": quantity, "valid_until": valid_until.isoformat()},
        )
    return batch, codes


def express_batch_export(*, batch: ExpressCardBatch, codes: list[str], fmt: str) -> tuple[str, bytes, str]:
    """The printer's file (CSV or Excel) with the codes: made once, from the issue's answer."""
    until = f"{batch.valid_until:%d.%m.%Y}" if batch.valid_until else ""
    rows = [(i, code, str(to_roubles(batch.face_value)), until) for i, code in enumerate(codes, start=1)]
    header = ("serial", "code", "face_value_byn", "valid_until")
    if fmt == "xlsx":
        import xlsxwriter

        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet(batch.number[:31])
        text = book.add_format({"num_format": "@"})
        sheet.write_row(0, 0, header)
        for r, (serial, code, value, valid) in enumerate(rows, start=1):
            sheet.write_number(r, 0, serial)
            sheet.write_string(r, 1, code, text)  # as text: Excel would round 14 digits
            sheet.write_string(r, 2, value)
            sheet.write_string(r, 3, valid)  # dd.mm.yyyy, as printed on the card
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


def _unknown_code() -> DomainError:
    return DomainError(
        "express_code_unknown",
        _("No card with this code. Check the code and try again."),
        kind=ErrorKind.NOT_FOUND,
        field="code",
    )


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
        # The row lock makes redemption and voiding (and two redemptions) of one card take turns:
        # whoever comes second sees the first's committed state.
        card = (
            ExpressCard.objects.select_for_update(of=("self",)).select_related("batch").filter(code_hash=digest).first()
        )
        failure: DomainError | None = None
        if card is None or card.state == ExpressCard.State.VOID:
            # A voided card gets the unknown code's answer, on purpose (see the module's docstring).
            audit_record(
                actor=actor,
                action="express.redeem",
                now=now,
                subscriber=subscriber,
                obj=card,
                outcome="unknown_code" if card is None else "void",
            )
            failure = _unknown_code()
        elif card.state == ExpressCard.State.REDEEMED:
            audit_record(actor=actor, action="express.redeem", now=now, subscriber=subscriber, obj=card, outcome="used")
            failure = DomainError(
                "express_card_used", _("This card has already been used."), kind=ErrorKind.CONFLICT, field="code"
            )
        elif card.batch.expired(now=now):
            audit_record(
                actor=actor, action="express.redeem", now=now, subscriber=subscriber, obj=card, outcome="expired"
            )
            failure = DomainError(
                "express_card_expired",
                _("This card expired on %(date)s and can no longer be used."),
                kind=ErrorKind.CONFLICT,
                field="code",
                date=f"{card.batch.valid_until:%d.%m.%Y}",
            )
        else:
            card.state = ExpressCard.State.REDEEMED
            card.redeemed_at = now
            card.redeemed_subscriber = subscriber
            card.save(update_fields=["state", "redeemed_at", "redeemed_subscriber"])
            entry, _created = credit(
                account=subscriber.account,
                subscriber=subscriber,
                amount=card.face_value,
                reason=operator_text(_("Express card …%(last4)s"), last4=card.last4),
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
                subject = pgettext("notice", "Payment received")
            subscriber_notify(subscriber=subscriber, text=text, subject=subject, kind="payment", now=now)
    if failure is not None:
        if failure.code in {"express_code_unknown", "express_card_expired"}:
            _count_failure(subscriber_id=subscriber.pk, ip=ip)
        raise failure
    return ExpressCard.objects.get(code_hash=digest), entry


# --- voiding --------------------------------------------------------------------------------

REDEEMED_LISTED = 1000  # the result lists at most this many redeemed cards (the counts are exact)


@dataclass(frozen=True)
class VoidResult:
    """What a void did: ``voided`` now, ``already_void`` before (nothing changed for them), and
    ``redeemed`` cards that cannot be voided because their money is on a balance."""

    voided: int
    already_void: int
    redeemed: int
    redeemed_cards: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.voided + self.already_void + self.redeemed


def express_batch_void(*, batch: ExpressCardBatch, reason: str, actor: Actor, now: datetime) -> VoidResult:
    """Void every card of ``batch`` that is still active (a stolen shipment, a lost print run)."""
    cards = ExpressCard.objects.filter(batch=batch)
    return _void(cards=cards, scope="batch", batch=batch, reason=reason, actor=actor, now=now)


def express_cards_void(*, cards: QuerySet[ExpressCard], reason: str, actor: Actor, now: datetime) -> VoidResult:
    """Void the chosen cards that are still active (cards lost at the printer, a stolen box)."""
    chosen = ExpressCard.objects.filter(pk__in=cards.values("pk"))
    return _void(cards=chosen, scope="cards", batch=None, reason=reason, actor=actor, now=now)


def _void(
    *,
    cards: QuerySet[ExpressCard],
    scope: str,
    batch: ExpressCardBatch | None,
    reason: str,
    actor: Actor,
    now: datetime,
) -> VoidResult:
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("express_void_reason", _("Give the reason for voiding the cards."), field="reason")
    if len(reason) > 200:
        raise DomainError(
            "express_void_reason", _("The reason is at most %(max)s characters long."), field="reason", max=200
        )
    with transaction.atomic():
        # Lock the cards in one order (no deadlock between two voids); a redemption of one of them
        # waits for this transaction, then finds it void, or this waits for it and finds it redeemed.
        locked = list(cards.select_for_update().order_by("pk").values_list("pk", "state", "batch_id"))
        if not locked:
            raise DomainError("express_void_nothing", _("Choose the cards to void."), kind=ErrorKind.NOT_FOUND)
        states = [state for _pk, state, _b in locked]
        voided = cards.filter(state=ExpressCard.State.ACTIVE).update(
            state=ExpressCard.State.VOID, voided_at=now, voided_by=actor.user, void_reason=reason
        )
        redeemed_qs = cards.filter(state=ExpressCard.State.REDEEMED).order_by("redeemed_at", "pk")
        redeemed_cards: list[dict[str, Any]] = [
            dict(row)
            for row in redeemed_qs.values(
                "pk", "last4", "face_value", "redeemed_at", "batch__number", "redeemed_subscriber__msisdn"
            )[:REDEEMED_LISTED]
        ]
        result = VoidResult(
            voided=voided,
            already_void=states.count(ExpressCard.State.VOID),
            redeemed=states.count(ExpressCard.State.REDEEMED),
            redeemed_cards=redeemed_cards,
        )
        batch_ids = sorted({b for _pk, _s, b in locked})
        if batch is None and len(batch_ids) == 1:
            batch = ExpressCardBatch.objects.get(pk=batch_ids[0])
        details: dict[str, Any] = {
            "reason": reason,
            "scope": scope,
            "batches": list(
                ExpressCardBatch.objects.filter(pk__in=batch_ids).order_by("pk").values_list("number", flat=True)
            ),
            "voided": result.voided,
            "already_void": result.already_void,
            "redeemed": result.redeemed,
        }
        if scope == "cards":  # a hand-picked set: which ones (the ids, never a code)
            details["cards"] = [pk for pk, state, _b in locked if state == ExpressCard.State.ACTIVE][:REDEEMED_LISTED]
        audit_record(
            actor=actor,
            action="express.void",
            now=now,
            obj=batch,
            outcome="ok" if voided else "unchanged",
            details=details,
        )
    return result
