"""ISSA access use cases (AUTH-10, AUTH-11, AUTH-12) and corporate roles.

Every channel (USSD, portal, API, back office) calls these; none repeats a rule. Each use case is
one transaction with its audit event; SMS notices leave on commit. A refusal raises DomainError
before anything is written — except a wrong PUK1, which is counted (and audited) on purpose.

Who may lift a block follows its reason: the subscriber lifts their own closure with PUK1, the
client's administrator/supervisor lifts what they closed, staff lift anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from issa.core import rules
from issa.core.errors import DomainError, ErrorKind, not_found
from issa.customers.models import Client
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.notifications.services import sms_send
from issa.subscribers.models import Sim, Subscriber

from .models import AccessBlock, CorporateRole, PukAttempt
from .selectors import corporate_refusal, denial_for_reason, main_reason

Reason = AccessBlock.Reason
SMS_KIND = "access"


# --- helpers ----------------------------------------------------------------------------------


def _lock(subscriber: Subscriber) -> Subscriber:
    """Serialise changes of one number's access (no-op on SQLite, which locks the database)."""
    return Subscriber.objects.select_for_update(of=("self",)).select_related("account__client").get(pk=subscriber.pk)


def _require_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise DomainError("note_required", _("Give the reason."), field="note")
    return note


def _require_live(subscriber: Subscriber) -> None:
    if subscriber.status == Subscriber.Status.CLOSED:
        raise DomainError("subscriber_closed", _("This number's contract is closed."), kind=ErrorKind.CONFLICT)


def _active(subscriber: Subscriber) -> dict[str, AccessBlock]:
    return {b.reason: b for b in AccessBlock.objects.filter(subscriber=subscriber, lifted_at__isnull=True)}


def _notify(subscriber: Subscriber, message: Any, now: datetime, **params: Any) -> None:
    """An SMS notice in the operator's language (the SMS reaches the phone, not the browser)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message) % params if params else str(message)
    sms_send(msisdn=subscriber.msisdn, text=text, kind=SMS_KIND, now=now)


def _already_closed() -> DomainError:
    return DomainError("access_already_closed", _("Access is already closed."), kind=ErrorKind.CONFLICT)


def _already_open() -> DomainError:
    return DomainError("access_already_open", _("Access is already open."), kind=ErrorKind.CONFLICT)


def _close(
    *, subscriber: Subscriber, reason: str, note: str, actor: Actor, now: datetime, client: Client | None = None
) -> AccessBlock:
    block = AccessBlock.objects.create(
        subscriber=subscriber,
        reason=reason,
        set_at=now,
        set_by=actor.user,
        set_by_label=actor.display[:120],
        set_channel=actor.channel,
        note=note,
    )
    audit_record(
        actor=actor,
        action="access.closed",
        now=now,
        subscriber=subscriber,
        client=client,
        obj=block,
        details={"reason": reason, **({"note": note} if note else {})},
    )
    return block


def _lift(*, block: AccessBlock, note: str, actor: Actor, now: datetime, client: Client | None = None) -> AccessBlock:
    block.lifted_at = now
    block.lifted_by = actor.user
    block.lifted_by_label = actor.display[:120]
    block.lifted_channel = actor.channel
    block.lift_note = note
    block.save(update_fields=["lifted_at", "lifted_by", "lifted_by_label", "lifted_channel", "lift_note"])
    audit_record(
        actor=actor,
        action="access.opened",
        now=now,
        subscriber=block.subscriber,
        client=client,
        obj=block,
        details={"reason": block.reason, **({"note": note} if note else {})},
    )
    return block


# --- AUTH-10: the subscriber, by USSD *141*3*6# --------------------------------------------------


MSG_CLOSED_BY_SUBSCRIBER = _(
    "Access to the personal account is closed. To open it, dial %(ussd)s and enter the PUK1 code of your SIM card."
)
MSG_OPENED = _("Access to the personal account is open.")
MSG_CLOSED_BY_CORPORATE = _("Access to the personal account has been closed by your organisation's administrator.")
MSG_OPENED_BY_CORPORATE = _("Access to the personal account has been opened by your organisation's administrator.")
MSG_CLOSED_BY_CLIENT = _("Access to the personal account has been closed at your organisation's application.")


def access_close_by_subscriber(*, subscriber: Subscriber, actor: Actor, now: datetime) -> AccessBlock:
    """AUTH-10: the subscriber closes their own access; only PUK1 opens it again."""
    with transaction.atomic():
        subscriber = _lock(subscriber)
        _require_live(subscriber)
        if Reason.SUBSCRIBER in _active(subscriber):
            raise _already_closed()
        block = _close(subscriber=subscriber, reason=Reason.SUBSCRIBER, note="", actor=actor, now=now)
        _notify(subscriber, MSG_CLOSED_BY_SUBSCRIBER, now, ussd=rules.get("USSD_ACCESS"))
    return block


def puk_attempts_left(*, subscriber: Subscriber, now: datetime) -> int:
    since = now - timedelta(hours=rules.get("ACCESS_PUK_WINDOW_HOURS"))
    used = PukAttempt.objects.filter(subscriber=subscriber, at__gt=since).count()
    return max(0, int(rules.get("ACCESS_PUK_MAX_FAILURES")) - used)


def access_open_by_subscriber(*, subscriber: Subscriber, puk1: str, actor: Actor, now: datetime) -> AccessBlock:
    """AUTH-10: the subscriber reopens their own access with the SIM's PUK1.

    Refused (nothing written) when access is not closed by the subscriber, when someone else's
    block also holds it closed, or when wrong tries are used up. A wrong PUK1 is itself recorded
    (a counted try and an audit event with outcome "denied") — that is what limits guessing.
    """
    with transaction.atomic():
        subscriber = _lock(subscriber)
        _require_live(subscriber)
        active = _active(subscriber)
        if Reason.SUBSCRIBER not in active:
            if active:
                raise denial_for_reason(main_reason(set(active)) or Reason.SUBSCRIBER)
            raise _already_open()
        others = set(active) - {Reason.SUBSCRIBER}
        if others:
            raise denial_for_reason(main_reason(others) or Reason.SUBSCRIBER)
        left = puk_attempts_left(subscriber=subscriber, now=now)
        if left <= 0:
            raise DomainError(
                "puk_attempts_exhausted",
                _("Too many wrong PUK1 codes. Try again tomorrow or call %(phone)s."),
                kind=ErrorKind.RATE_LIMITED,
                phone=rules.get("CONTACT_CENTRE"),
            )
        sim = Sim.objects.filter(subscriber=subscriber).first()
        matches = sim is not None and sim.puk1_matches(puk1)
        if matches:
            PukAttempt.objects.filter(subscriber=subscriber).delete()
            block = _lift(block=active[Reason.SUBSCRIBER], note="", actor=actor, now=now)
            _notify(subscriber, MSG_OPENED, now)
            return block
        # A wrong code: count it and audit it, committed even though the request is refused.
        PukAttempt.objects.create(subscriber=subscriber, at=now, channel=actor.channel)
        audit_record(
            actor=actor,
            action="access.open_wrong_puk",
            now=now,
            subscriber=subscriber,
            outcome="denied",
            details={"attempts_left": left - 1},
        )
    raise DomainError(
        "wrong_puk",
        _("Wrong PUK1 code. Tries left: %(left)s."),
        kind=ErrorKind.INVALID,
        field="puk1",
        left=left - 1,
    )


# --- AUTH-11: the client's application, its administrators and supervisors -----------------------


def access_close_for_client(*, client: Client, note: str, actor: Actor, now: datetime) -> list[AccessBlock]:
    """AUTH-11: a legal entity's application closes access for all its numbers — subscribers,
    administrators and supervisors alike. Entered by staff; ``note`` names the application."""
    note = _require_note(note)
    if client.kind != Client.Kind.LEGAL:
        raise DomainError(
            "not_legal_entity", _("Only a legal entity can have its numbers' access closed by application.")
        )
    with transaction.atomic():
        numbers = list(
            Subscriber.objects.select_for_update()
            .filter(account__client=client)
            .exclude(status=Subscriber.Status.CLOSED)
            .order_by("pk")
        )
        if not numbers:
            raise DomainError("no_numbers", _("The client has no numbers."), kind=ErrorKind.CONFLICT)
        already = set(
            AccessBlock.objects.filter(
                subscriber__in=numbers, reason=Reason.CLIENT, lifted_at__isnull=True
            ).values_list("subscriber_id", flat=True)
        )
        todo = [s for s in numbers if s.pk not in already]
        if not todo:
            raise _already_closed()
        blocks = []
        for subscriber in todo:
            blocks.append(
                _close(subscriber=subscriber, reason=Reason.CLIENT, note=note, actor=actor, now=now, client=client)
            )
            _notify(subscriber, MSG_CLOSED_BY_CLIENT, now)
    return blocks


def access_open_for_client(*, client: Client, note: str, actor: Actor, now: datetime) -> list[AccessBlock]:
    """Staff lift the closure a client's application made (on a new application)."""
    note = _require_note(note)
    with transaction.atomic():
        blocks = list(
            AccessBlock.objects.select_for_update()
            .select_related("subscriber")
            .filter(subscriber__account__client=client, reason=Reason.CLIENT, lifted_at__isnull=True)
            .order_by("pk")
        )
        if not blocks:
            raise _already_open()
        for block in blocks:
            _lift(block=block, note=note, actor=actor, now=now, client=client)
            _notify(block.subscriber, MSG_OPENED, now)
    return blocks


def _check_corporate(*, role: CorporateRole, subscriber: Subscriber) -> None:
    if not role.active:
        raise DomainError("no_corporate_role", _("You have no corporate role."), kind=ErrorKind.FORBIDDEN)
    if subscriber.account.client_id != role.client_id or subscriber.status == Subscriber.Status.CLOSED:
        raise not_found()  # another client's number: the same answer as a number that does not exist
    refusal = corporate_refusal(
        role=role,
        subscriber_id=subscriber.pk,
        holder_is_administrator=CorporateRole.objects.filter(
            subscriber=subscriber, role=CorporateRole.Role.ADMINISTRATOR, revoked_at__isnull=True
        ).exists(),
    )
    if refusal is not None:
        raise refusal


def access_set_by_corporate(
    *, role: CorporateRole, subscriber: Subscriber, open: bool, actor: Actor, now: datetime
) -> AccessBlock:
    """AUTH-11: an administrator or supervisor opens or closes ISSA access of one of the client's
    numbers. The action is the client's own (audited on its behalf, naming the acting person)."""
    with transaction.atomic():
        role = CorporateRole.objects.select_related("client").get(pk=role.pk)
        subscriber = _lock(subscriber)
        _check_corporate(role=role, subscriber=subscriber)
        active = _active(subscriber)
        if not open:
            if Reason.CORPORATE in active:
                raise _already_closed()
            block = _close(
                subscriber=subscriber,
                reason=Reason.CORPORATE,
                note=gettext("%(role)s %(number)s") % {"role": role.get_role_display(), "number": role.subscriber},
                actor=actor,
                now=now,
                client=role.client,
            )
            _notify(subscriber, MSG_CLOSED_BY_CORPORATE, now)
            return block
        if Reason.CORPORATE not in active:
            if active:
                raise DomainError(
                    "access_closed_elsewhere",
                    _("Access of this number was not closed by your organisation; it cannot be opened here."),
                    kind=ErrorKind.CONFLICT,
                )
            raise _already_open()
        block = _lift(block=active[Reason.CORPORATE], note="", actor=actor, now=now, client=role.client)
        if len(active) == 1:
            _notify(subscriber, MSG_OPENED_BY_CORPORATE, now)
    return block


# --- AUTH-12: the operator's staff ---------------------------------------------------------------


def access_restrict_by_operator(*, subscriber: Subscriber, note: str, actor: Actor, now: datetime) -> AccessBlock:
    """AUTH-12: staff restrict a number's access on suspicion of an offence (with the reason)."""
    note = _require_note(note)
    with transaction.atomic():
        subscriber = _lock(subscriber)
        _require_live(subscriber)
        if Reason.OFFENCE in _active(subscriber):
            raise _already_closed()
        return _close(subscriber=subscriber, reason=Reason.OFFENCE, note=note, actor=actor, now=now)


def access_report_lost_sim(*, subscriber: Subscriber, note: str, actor: Actor, now: datetime) -> AccessBlock:
    """AUTH-12: a lost SIM reported to 411 or a sales centre disables ISSA for the number. No SMS:
    it would reach whoever holds the SIM now."""
    note = _require_note(note)
    with transaction.atomic():
        subscriber = _lock(subscriber)
        _require_live(subscriber)
        if Reason.LOST_SIM in _active(subscriber):
            raise _already_closed()
        return _close(subscriber=subscriber, reason=Reason.LOST_SIM, note=note, actor=actor, now=now)


def access_block_lift(*, block: AccessBlock, note: str, actor: Actor, now: datetime) -> AccessBlock:
    """Staff lift any active block (restriction ended, SIM replaced, the subscriber identified at a
    sales centre), with the reason. The row stays as history."""
    note = _require_note(note)
    with transaction.atomic():
        _lock(block.subscriber)
        block = AccessBlock.objects.select_related("subscriber").get(pk=block.pk)
        if block.lifted_at is not None:
            raise _already_open()
        _lift(block=block, note=note, actor=actor, now=now)
        if block.reason not in (Reason.OFFENCE, Reason.LOST_SIM) and not _active(block.subscriber):
            _notify(block.subscriber, MSG_OPENED, now)
    return block


# --- corporate roles: assigned by staff on the client's written application ----------------------


def corporate_role_assign(
    *,
    subscriber: Subscriber,
    role: str,
    rights: Iterable[str] = (),
    application: str = "",
    actor: Actor,
    now: datetime,
) -> CorporateRole:
    """Make the number an administrator (legal entities only) or a supervisor of its client. A
    supervisor gets the rights staff choose; an administrator has them all. A role the number
    already holds is replaced (revoked and granted anew), so the history shows the change."""
    if role not in CorporateRole.Role.values:
        raise DomainError("unknown_role", _("Unknown role."), field="role")
    rights = sorted(set(rights))
    unknown = [right for right in rights if right not in CorporateRole.Right.values]
    if unknown:
        raise DomainError("unknown_right", _("Unknown right."), field="rights")
    with transaction.atomic():
        subscriber = _lock(subscriber)
        _require_live(subscriber)
        client = subscriber.account.client
        if role == CorporateRole.Role.ADMINISTRATOR and client.kind != Client.Kind.LEGAL:
            raise DomainError(
                "administrator_legal_only",
                _("An administrator can be assigned only for a legal entity."),
                field="role",
            )
        if role == CorporateRole.Role.ADMINISTRATOR:
            rights = []
        for previous in CorporateRole.objects.select_for_update().filter(
            subscriber=subscriber, revoked_at__isnull=True
        ):
            _revoke(role=previous, note=gettext("Replaced by a new role"), actor=actor, now=now)
        granted = CorporateRole.objects.create(
            subscriber=subscriber,
            client=client,
            role=role,
            rights=rights,
            application=(application or "").strip()[:120],
            granted_at=now,
            granted_by=actor.user,
            granted_by_label=actor.display[:120],
        )
        audit_record(
            actor=actor,
            action="access.role_granted",
            now=now,
            subscriber=subscriber,
            client=client,
            obj=granted,
            details={"role": role, "rights": granted.effective_rights, "application": granted.application},
        )
    return granted


def _revoke(*, role: CorporateRole, note: str, actor: Actor, now: datetime) -> None:
    role.revoked_at = now
    role.revoked_by = actor.user
    role.revoked_by_label = actor.display[:120]
    role.revoke_note = note
    role.save(update_fields=["revoked_at", "revoked_by", "revoked_by_label", "revoke_note"])
    audit_record(
        actor=actor,
        action="access.role_revoked",
        now=now,
        subscriber=role.subscriber,
        client=role.client,
        obj=role,
        details={"role": role.role, "note": note},
    )


def corporate_role_revoke(*, role: CorporateRole, note: str, actor: Actor, now: datetime) -> CorporateRole:
    note = _require_note(note)
    with transaction.atomic():
        role = CorporateRole.objects.select_for_update().select_related("subscriber", "client").get(pk=role.pk)
        if role.revoked_at is not None:
            raise DomainError("role_already_revoked", _("The role is already revoked."), kind=ErrorKind.CONFLICT)
        _revoke(role=role, note=note, actor=actor, now=now)
    return role


__all__ = [
    "access_block_lift",
    "access_close_by_subscriber",
    "access_close_for_client",
    "access_open_by_subscriber",
    "access_open_for_client",
    "access_report_lost_sim",
    "access_restrict_by_operator",
    "access_set_by_corporate",
    "corporate_role_assign",
    "corporate_role_revoke",
    "puk_attempts_left",
]


# The cabinet's orders and export (AUTH-11) live in their own module; re-exported here.
from .services_corporate import (  # noqa: E402
    corporate_checked,
    corporate_export_record,
    corporate_order,
    corporate_order_cancel,
    corporate_order_confirm,
    corporate_order_submit,
)

__all__ += [
    "corporate_checked",
    "corporate_export_record",
    "corporate_order",
    "corporate_order_cancel",
    "corporate_order_confirm",
    "corporate_order_submit",
]
