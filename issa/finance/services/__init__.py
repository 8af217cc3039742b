"""Finance use cases (FIN-2, FIN-3, FIN-6). Other apps import from here, e.g. payments calls
``promised_settle_on_payment(account=…, amount=…, now=…)`` whenever a real payment is credited."""

from .installments import (
    installment_early_cancel,
    installment_early_confirm,
    installment_early_start,
    installment_plan_create,
    installment_plans,
    installments_charge_month,
)
from .promised import (
    promised_cancel,
    promised_confirm,
    promised_expire_due,
    promised_register_direct,
    promised_settle_on_payment,
    promised_start,
    promised_sweep_awaiting,
)
from .refunds import (
    refund_approve,
    refund_reject,
    refund_request_create,
    refund_requests,
    refundable_payments,
)

__all__ = [
    "installment_early_cancel",
    "installment_early_confirm",
    "installment_early_start",
    "installment_plan_create",
    "installment_plans",
    "installments_charge_month",
    "promised_cancel",
    "promised_confirm",
    "promised_expire_due",
    "promised_register_direct",
    "promised_settle_on_payment",
    "promised_start",
    "promised_sweep_awaiting",
    "refund_approve",
    "refund_reject",
    "refund_request_create",
    "refund_requests",
    "refundable_payments",
]
