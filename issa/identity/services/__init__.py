"""Identity use cases (AUTH-1..9, AUTH-13), one function per use case, for every channel.

- ``audit``: the audit trail (``audit_record``), used by every app.
- ``otp``: one-time SMS codes. ``limits``: rate limits and lockout before hashing.
- ``accounts``: registration, USSD password, recovery, login, password change and expiry.
- ``tokens``: API bearer tokens. ``pending``: pending requests tied to a session (AUTH-9).
"""

from .accounts import (
    Method,
    already_registered,
    login_check,
    login_confirm,
    logout,
    password_change,
    password_issue_temporary,
    password_recover,
    password_set_by_ussd,
    recovery_start,
    registration_complete,
    registration_start,
    user_login_change,
)
from .audit import audit_record
from .otp import otp_send, otp_verify
from .pending import (
    pending_cancel,
    pending_cancel_for_session,
    pending_cancel_for_user,
    pending_confirm,
    pending_start,
    pending_sweep,
)
from .tokens import token_authenticate, token_create, token_revoke, tokens_of, tokens_revoke_all

__all__ = [
    "Method",
    "already_registered",
    "audit_record",
    "login_check",
    "login_confirm",
    "logout",
    "otp_send",
    "otp_verify",
    "password_change",
    "password_issue_temporary",
    "password_recover",
    "password_set_by_ussd",
    "pending_cancel",
    "pending_cancel_for_session",
    "pending_cancel_for_user",
    "pending_confirm",
    "pending_start",
    "pending_sweep",
    "recovery_start",
    "registration_complete",
    "registration_start",
    "token_authenticate",
    "token_create",
    "token_revoke",
    "tokens_of",
    "tokens_revoke_all",
    "user_login_change",
]
