"""The operator's published rules (the SPEC's bold numbers) in one place of configuration.

Code reads ``rules.OTP_RESEND_SECONDS``-style attributes; settings.ISSA_RULES overrides any
default by name, so an operator changes a rule without touching code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # AUTH
    "OTP_RESEND_SECONDS": 180,  # AUTH-2: a new code only 3 minutes after the last one
    "OTP_TTL_SECONDS": 600,  # codes live at most 10 minutes
    "OTP_MAX_ATTEMPTS": 5,  # wrong tries per code
    "PASSWORD_MIN_LENGTH": 5,  # AUTH-3: 5–10 letters or digits
    "PASSWORD_MAX_LENGTH": 10,
    "PASSWORD_STRICT": False,  # True: 8–64 characters of any kind (ASVS level)
    "PASSWORD_EXPIRY_DAYS": 0,  # AUTH-8: 0 = never; one source says 365
    "IDLE_TIMEOUT_SECONDS": 15 * 60,  # AUTH-9
    "LOGIN_SECOND_FACTOR": False,  # AUTH-6 variant: SMS code after the password
    "USSD_REGISTER": "*141*0#",  # AUTH-3
    "USSD_ACCESS": "*141*3*6#",  # AUTH-10
    "ACCESS_PUK_MAX_FAILURES": 3,  # AUTH-10: wrong PUK1 tries to reopen access per window
    "ACCESS_PUK_WINDOW_HOURS": 24,  # AUTH-10: the window those tries are counted in
    "USSD_BALANCE": "*100#",
    "CONTACT_CENTRE": "411",
    # AUTH security limits (not published by the operator; each reason in docs/security.md)
    "OTP_DAILY_PER_NUMBER": 10,  # codes per number per 24 h (SMS cost, code guessing)
    "OTP_DAILY_PER_IP": 100,  # codes requested per IP per 24 h (SMS pumping)
    "LOGIN_LOCK_STEPS": ((5, 60), (10, 300), (20, 3600)),  # (failures per number, lock seconds)
    "IP_FAILURES_PER_HOUR": 50,  # wrong passwords/codes/PUKs from one IP (password spraying)
    "IP_LOCK_SECONDS": 900,
    "API_TOKEN_TTL_DAYS": 30,  # bearer tokens of the mobile app
    "TEMP_PASSWORD_HOURS": 72,  # AUTH-8: a temporary first password works this long
    "PENDING_REQUEST_TTL_SECONDS": 15 * 60,  # AUTH-9: unconfirmed multi-step requests
    # FIN
    "PAYMENT_HISTORY_MONTHS": 2,  # FIN-1
    "PROMISED_PAYMENT_MAX": Decimal("3.00"),  # FIN-3, BYN
    "PROMISED_PAYMENT_DAYS": 3,  # FIN-3
    # FIN-3 repeats (not published; our stated defaults): none while one is active, at most 3
    # confirmed registrations per calendar month (Europe/Minsk).
    "PROMISED_PAYMENT_ONE_ACTIVE": True,
    "PROMISED_PAYMENT_PER_MONTH": 3,
    "USSD_PROMISED": "*141*7#",  # FIN-3 over USSD (our choice of code)
    "EXPRESS_CARD_DIGITS": 14,  # FIN-4
    "EXPRESS_CARD_FAILURES_PER_SUBSCRIBER": 5,  # FIN-4: wrong codes per number per hour
    "EXPRESS_CARD_FAILURES_PER_IP": 20,  # FIN-4: wrong codes per IP per hour
    "EXPRESS_CARD_USSD": "*122#",  # FIN-4: *122*code#
    "EXPRESS_CARD_VALID_DAYS": 365,  # FIN-4 (our stated default): a batch's default "valid until"
    "CARD_TOPUP_MIN": Decimal("1.00"),  # FIN-5, BYN per card payment
    "CARD_TOPUP_MAX": Decimal("500.00"),  # FIN-5, BYN per card payment
    "CARD_TOPUP_DAILY_MAX": Decimal("1000.00"),  # FIN-5, BYN per number per day (fraud bound)
    "CARD_PAYMENT_TTL_MINUTES": 30,  # FIN-5: an unpaid payment expires
    "CARD_CALLBACK_TOLERANCE_SECONDS": 300,  # FIN-5: signed callbacks older/newer are refused
    "LOW_BALANCE_ALERT_MIN": Decimal("0.50"),  # beyond the seed: the lowest alert threshold
    "LOW_BALANCE_ALERT_MAX": Decimal("100.00"),
    "AUTO_TOPUP_MIN": Decimal("1.00"),  # beyond the seed: automatic top-up amount bounds
    "AUTO_TOPUP_MAX": Decimal("100.00"),
    "AUTO_TOPUP_DAILY_COUNT": 3,  # beyond the seed: automatic charges per number per day
    "REFUND_MAX": Decimal("30.00"),  # FIN-6, BYN
    "REFUND_DAYS": 14,  # FIN-6
    "REFUND_MAX_DIGITS_DIFFERENT": 2,  # FIN-6
    "REFUND_REVIEW_WORKING_DAYS": 3,  # FIN-6
    # BILL / STAT
    "BILL_HISTORY_MONTHS": 6,  # BILL-1, BILL-3, STAT-1
    "BILL_RUN_CLOSED_DAYS": (1, 3),  # BILL-4: from the 1st to the 3rd
    "STAT_REQUESTS_PER_DAY": 10,  # STAT-4
    # BSS-2: usage records older than this (by their start time) are quarantined as impossible;
    # roaming partners send within 30 days (TAP), so 93 days covers every open or recent period.
    "USAGE_MAX_AGE_DAYS": 93,
    # SVC / SUP
    "ORDER_EFFECT_HOURS": 24,  # SVC-3
    "ORDER_MAX_ATTEMPTS": 5,  # BSS-6: tries of a network order before it fails and is reported
    "ORDER_RETRY_BASE_SECONDS": 60,  # BSS-6: backoff 1, 4, 16, 64 minutes between tries
    "NUMBER_RESERVATION_MINUTES": 15,  # SVC-6: a chosen number is held for its chooser this long
    "NUMBER_QUARANTINE_DAYS": 90,  # SVC-6: a given-up number is not offered again before this
    "NUMBER_OFFER_PAGE_SIZE": 20,  # SVC-6: offered numbers per page
    "PAUSE_PLAN_FEE_SHARE": Decimal("0.50"),  # SVC-9
    "SUPPORT_ANSWER_HOURS": 24,  # SUP-2
    "SUPPORT_ATTACHMENT_MAX_BYTES": 2 * 1024 * 1024,  # SUP-1: one attachment of at most 2 MB
    "SUPPORT_ATTACHMENT_TYPES": ("application/pdf", "image/jpeg", "image/png"),  # SUP-1
}


def get(name: str) -> Any:
    overrides: dict[str, Any] = getattr(settings, "ISSA_RULES", {}) or {}
    if name in overrides:
        return overrides[name]
    return DEFAULTS[name]


def __getattr__(name: str) -> Any:
    if name in DEFAULTS:
        return get(name)
    raise AttributeError(name)
