"""FIN-3 with the payments app (FIN-4): a real payment credited by the payments services settles
the active promised payment, and the payment appears in the history (FIN-1) with its source."""

from __future__ import annotations

import pytest

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.finance.models import PromisedPayment
from issa.finance.selectors import payment_history
from issa.finance.services import promised_confirm, promised_start
from issa.identity.actor import Actor

pytestmark = pytest.mark.django_db


def test_fin_3_express_card_payment_settles_the_promised_payment(subscriber, user, session_key, web, now):
    from issa.payments.services.express import express_batch_issue, express_card_redeem

    row = promised_start(subscriber=subscriber, user=user, session_key=session_key, amount=300, actor=web, now=now)
    assert row.pending_request_id is not None
    promised_confirm(
        subscriber=subscriber,
        user=user,
        request_id=row.pending_request_id,
        session_key=session_key,
        actor=web,
        now=now,
    )
    staff = Actor(channel="admin", label="staff")
    _batch, codes = express_batch_issue(face_value=1000, quantity=1, note="test", actor=staff, now=now)
    express_card_redeem(subscriber=subscriber, code=codes[0], actor=web, now=now)

    row.refresh_from_db()
    assert row.state == PromisedPayment.State.SETTLED
    reversals = LedgerEntry.objects.filter(account=subscriber.account, kind=LedgerEntry.Kind.PROMISED_REVERSAL)
    assert [e.amount for e in reversals] == [-300]
    assert account_balance(account_id=subscriber.account_id) == 500 + 1000
    [line] = payment_history(account_id=subscriber.account_id, now=now)
    assert (line.amount, line.source) == (1000, "express_card")
