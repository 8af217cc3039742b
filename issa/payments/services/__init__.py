"""Payment use cases (writes). Channels (portal, API, USSD, admin, tasks) call these only."""

from .alerts import alert_settings_set, auto_topup_check, auto_topup_set, low_balance_check
from .card import (
    callback_receive,
    payment_create,
    payment_expire_due,
    payment_handoff,
)
from .express import express_batch_export, express_batch_issue, express_card_redeem

__all__ = [
    "alert_settings_set",
    "auto_topup_check",
    "auto_topup_set",
    "callback_receive",
    "express_batch_export",
    "express_batch_issue",
    "express_card_redeem",
    "low_balance_check",
    "payment_create",
    "payment_expire_due",
    "payment_handoff",
]
