"""Payment use cases (writes). Channels (portal, API, USSD, admin, tasks) call these only."""

from .alerts import alert_settings_set, auto_topup_check, auto_topup_set, low_balance_check
from .card import (
    callback_receive,
    payment_create,
    payment_expire_due,
    payment_handoff,
)
from .express import (
    VoidResult,
    express_batch_export,
    express_batch_issue,
    express_batch_void,
    express_card_redeem,
    express_cards_void,
    express_default_valid_until,
)

__all__ = [
    "VoidResult",
    "alert_settings_set",
    "auto_topup_check",
    "auto_topup_set",
    "callback_receive",
    "express_batch_export",
    "express_batch_issue",
    "express_batch_void",
    "express_card_redeem",
    "express_cards_void",
    "express_default_valid_until",
    "low_balance_check",
    "payment_create",
    "payment_expire_due",
    "payment_handoff",
]
