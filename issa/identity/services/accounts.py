"""Registration, login, recovery and passwords (AUTH-1..8): one function per use case, called by
the portal, the API and USSD alike.

Order inside every function that checks a secret: (1) the lock of the number and the IP, before
any hashing; (2) cheap validation of the new password, so that a typo does not spend a code;
(3) the secret itself, whose failure is recorded (audit + limits) in its own transaction before
the error is raised; (4) the change, audited in its transaction. Call them outside an atomic block.

Enumeration: apart from AUTH-5's published "already registered" message, the answers do not tell
whether a number is served or registered: codes for unknown numbers are "sent" without an SMS,
and wrong number, password, code or PUK1 all get the same message.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from issa.core import rules
from issa.core.errors import DomainError, ErrorKind
from issa.core.phone import parse_msisdn

from ..actor import Actor
from ..models import OtpChallenge, User
from . import limits
from .access_hook import ensure_access
from .audit import audit_record
from .otp import otp_send, otp_verify
from .pending import pending_cancel_for_user
from .tokens import tokens_revoke_all

Purpose = OtpChallenge.Purpose


class Method(models.TextChoices):
    """How the subscriber proves the number is theirs (AUTH-1..4, AUTH-7)."""

    SMS = "sms", _("SMS code")
    USSD = "ussd", _("USSD request *141*0#")
    PUK = "puk", _("PUK1 code of the SIM card")


ALREADY_REGISTERED = _(
    'A user with this phone number is already registered. If you forgot the password, press "Log in" '
    'and follow the link "Forgot password?"'
)


def already_registered() -> DomainError:
    """AUTH-5, the seed's exact wording (the one published answer about a number's existence)."""
    return DomainError("already_registered", ALREADY_REGISTERED, kind=ErrorKind.CONFLICT, field="msisdn")


def login_invalid(kind: str | None = None) -> DomainError:
    """The one answer to a wrong login, password or kind of account (no enumeration); its text
    follows the form the user chose, never the account found."""
    if kind == User.Kind.HOME:
        return DomainError("login_invalid", _("Wrong login or password."), kind=ErrorKind.UNAUTHORIZED)
    return DomainError("login_invalid", _("Wrong phone number or password."), kind=ErrorKind.UNAUTHORIZED)


def puk_invalid() -> DomainError:
    return DomainError(
        "puk_invalid",
        _("The number or the PUK1 code is wrong, or identification by PUK1 is not enabled for this number."),
        field="puk",
    )


# --- reads ---------------------------------------------------------------------------------


# HOME-1: the contract login of a home-and-office line is "h" and seven digits (h1000001, …),
# issued by staff in sequence; it cannot be mistaken for a phone number or a staff login.
HOME_LOGIN_RE = re.compile(r"^h[0-9]{7}$")
HOME_LOGIN_FIRST = 1_000_001


def home_login_format(number: int) -> str:
    return f"h{number:07d}"


def home_login_next(*, after: int = 0) -> str:
    """The next free home login: one above the highest issued (and above ``after``)."""
    highest = (
        User.objects.filter(login__regex=HOME_LOGIN_RE.pattern)
        .order_by("-login")
        .values_list("login", flat=True)
        .first()
    )
    number = max(HOME_LOGIN_FIRST, int(highest[1:]) + 1 if highest else 0, after + 1)
    return home_login_format(number)


def normalize_login(raw: str) -> str:
    """A phone number in any usual form -> MSISDN; a home login in any case -> lower case
    (``H1000001`` -> ``h1000001``); anything else (staff) as typed."""
    raw = (raw or "").strip()
    try:
        return parse_msisdn(raw)
    except DomainError:
        if HOME_LOGIN_RE.match(raw.lower()):
            return raw.lower()
        return raw[:64]


def kind_matches(user: User, kind: str | None) -> bool:
    """HOME-1: the login form's choice. The home form admits only home-and-office users; the
    mobile form everyone else (staff keep signing in there, as before). None: any kind (API)."""
    if not kind:
        return True
    if kind == User.Kind.HOME:
        return user.kind == User.Kind.HOME
    return user.kind != User.Kind.HOME


def _subscriber(msisdn: str) -> Any:
    from issa.subscribers.models import Subscriber

    return (
        Subscriber.objects.select_related("plan", "account", "account__client")
        .exclude(status=Subscriber.Status.CLOSED)
        .filter(msisdn=msisdn)
        .first()
    )


def _user(login: str) -> User | None:
    return User.objects.select_related("subscriber").filter(login=login).first()


def is_registered(user: User | None) -> bool:
    return user is not None and user.has_usable_password()


def puk_allowed(subscriber: Any) -> bool:
    """AUTH-4: plans that identify by PUK1 (named plans, internet-only and devices without USSD)
    and subscribers whose sales centre set "Регистрация по PUK1"."""
    from issa.catalog.models import TariffPlan

    if subscriber is None:
        return False
    plan = subscriber.plan
    return bool(
        subscriber.puk_registration
        or plan.puk_identification
        or plan.kind in (TariffPlan.Kind.INTERNET, TariffPlan.Kind.DEVICE)
    )


def password_expired(user: User, now: datetime) -> bool:
    """AUTH-8: the operator's expiry (``PASSWORD_EXPIRY_DAYS``, 0 = never)."""
    days = int(rules.get("PASSWORD_EXPIRY_DAYS"))
    if not days or user.password_changed_at is None:
        return False
    return user.password_changed_at + timedelta(days=days) <= now


def must_change_password(user: User, now: datetime) -> bool:
    """True when the next page must be the change-password form (temporary or expired)."""
    return bool(user.must_change_password) or password_expired(user, now)


def generate_password() -> str:
    """A password the policy accepts and USSD can type: letters and digits, no look-alikes."""
    strict = bool(rules.get("PASSWORD_STRICT"))
    length = 16 if strict else int(rules.get("PASSWORD_MAX_LENGTH"))
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        has_digit = any(c in string.digits for c in password)
        if has_digit and any(c.isalpha() for c in password):
            return password


def check_new_password(password: str, password2: str | None = None, *, user: User | None = None) -> None:
    """The policy in one place (settings.AUTH_PASSWORD_VALIDATORS) as a DomainError."""
    if password2 is not None and password != password2:
        raise DomainError("password_mismatch", _("The passwords do not match."), field="password2")
    try:
        validate_password(password or "", user=user)
    except ValidationError as exc:
        raise DomainError("password_invalid", " ".join(exc.messages), field="password") from exc


# --- identification ------------------------------------------------------------------------


def _identify(
    *, msisdn: str, method: str, purpose: str, secret: str, subscriber: Any, actor: Actor, now: datetime
) -> None:
    """Prove possession of the number by SMS code or PUK1, recording a failure before raising."""
    if method == Method.SMS:
        otp_verify(msisdn=msisdn, purpose=purpose, code=secret, actor=actor, now=now)
        return
    if method == Method.PUK:
        sim = getattr(subscriber, "sim", None) if subscriber is not None else None
        ok = puk_allowed(subscriber) and sim is not None and sim.puk1_matches(secret or "")
        if not ok:
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action="auth.puk_failed",
                    now=now,
                    subscriber=subscriber,
                    outcome="denied",
                    details={"purpose": purpose, "msisdn": msisdn},
                )
            limits.record_failure(msisdn=msisdn, ip=actor.ip, now=now)
            raise puk_invalid()
        return
    raise DomainError("method_invalid", _("Choose how to identify the number."), field="method")


def _store_password(
    *, user: User, password: str, now: datetime, temporary: bool = False, keep_session_key: str = ""
) -> None:
    """Set the password and end everything opened with the old one: API tokens, pending requests
    partners' OIDC tokens (sessions end by themselves: Django checks the password hash on every
    request)."""
    user.set_password(password)
    user.password_changed_at = now
    user.must_change_password = temporary
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    tokens_revoke_all(user=user, now=now)
    pending_cancel_for_user(user=user, reason="password_changed", now=now, except_session_key=keep_session_key)
    # Partners' tokens too (AUTH-8 + AUTH-14): consents stay, the partner signs in again.
    from issa.sso.services import partner_tokens_end

    partner_tokens_end(user=user, actor=Actor.system("password change"), now=now, reason="password_changed")


def _sms_notice(*, msisdn: str, text: str, now: datetime, kind: str = "notice") -> None:
    from issa.notifications.services import sms_send

    sms_send(msisdn=msisdn, text=text, kind=kind, now=now)


# --- registration (AUTH-1..5) --------------------------------------------------------------


def registration_start(*, msisdn: str, method: str, actor: Actor, now: datetime) -> OtpChallenge | None:
    """Step 1 of web/API registration: refuse a registered number (AUTH-5), send the SMS code
    (AUTH-2). USSD and PUK1 need nothing sent. Unknown numbers look the same as served ones."""
    if method not in Method.values:
        raise DomainError("method_invalid", _("Choose how to identify the number."), field="method")
    subscriber = _subscriber(msisdn)
    if is_registered(_user(msisdn)):
        raise already_registered()
    if subscriber is not None:
        ensure_access(subscriber=subscriber)
    if method == Method.SMS:
        return otp_send(msisdn=msisdn, purpose=Purpose.REGISTER, actor=actor, now=now, deliver=subscriber is not None)
    return None


@dataclass
class Registered:
    user: User
    generated_password: str | None  # shown once when the system chose the password


def registration_complete(
    *,
    msisdn: str,
    method: str,
    secret: str,
    password: str = "",
    password2: str | None = None,
    generate: bool = False,
    actor: Actor,
    now: datetime,
) -> Registered:
    """The "Зарегистрироваться" button (AUTH-1): the code or PUK1, the chosen (or generated)
    password; the user exists and may log in at once."""
    limits.guard(msisdn=msisdn, ip=actor.ip, now=now)
    if is_registered(_user(msisdn)):
        raise already_registered()
    generated = generate_password() if generate else None
    if generated:
        password = generated
    else:
        check_new_password(password, password2)
    subscriber = _subscriber(msisdn)
    _identify(
        msisdn=msisdn,
        method=method,
        purpose=Purpose.REGISTER,
        secret=secret,
        subscriber=subscriber,
        actor=actor,
        now=now,
    )
    if subscriber is None:  # cannot happen after a successful identification; belt and braces
        raise puk_invalid()
    ensure_access(subscriber=subscriber)
    with transaction.atomic():
        user = _create_or_reset(subscriber=subscriber, password=password, now=now, temporary=False)
        audit_record(
            actor=Actor(channel=actor.channel, user=user, ip=actor.ip, user_agent=actor.user_agent),
            action="auth.register",
            now=now,
            subscriber=subscriber,
            obj=user,
            details={"method": method, "generated": bool(generated)},
        )
    limits.record_success(msisdn=msisdn)
    return Registered(user=user, generated_password=generated)


def _create_or_reset(*, subscriber: Any, password: str, now: datetime, temporary: bool) -> User:
    user = User.objects.select_for_update().filter(login=subscriber.msisdn).first()
    if user is None:
        user = User(
            login=subscriber.msisdn,
            kind=User.Kind.MOBILE,
            subscriber=subscriber,
            full_name=subscriber.display_name,
            date_joined=now,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # the same number registered a moment ago elsewhere
            raise already_registered() from exc
    _store_password(user=user, password=password, now=now, temporary=temporary)
    return user


def password_set_by_ussd(*, msisdn: str, password: str, actor: Actor, now: datetime) -> bool:
    """AUTH-3: ``*141*0#`` sets the password (registering the number if needed) and confirms by
    SMS; the same request recovers a forgotten password. The network vouches for the caller's
    number, so no code is asked. Returns True when the number was registered now."""
    from issa.subscribers.selectors import subscriber_for_msisdn

    subscriber = subscriber_for_msisdn(msisdn)
    ensure_access(subscriber=subscriber)
    check_new_password(password)
    with transaction.atomic():
        existing = _user(msisdn)
        created = not is_registered(existing)
        user = _create_or_reset(subscriber=subscriber, password=password, now=now, temporary=False)
        audit_record(
            actor=Actor(channel=actor.channel, user=user, ip=actor.ip, label=actor.label),
            action="auth.register" if created else "auth.password_recovered",
            now=now,
            subscriber=subscriber,
            obj=user,
            details={"method": Method.USSD},
        )
        with translation.override("ru"):
            if created:
                text = gettext("You are registered in ISSA. Log in with your number and the password you chose.")
            else:
                text = gettext("Your ISSA password was changed. If it was not you, call %(centre)s.") % {
                    "centre": rules.get("CONTACT_CENTRE")
                }
        _sms_notice(msisdn=msisdn, text=text, now=now)
    limits.record_success(msisdn=msisdn)
    return created


# --- recovery (AUTH-7) ---------------------------------------------------------------------


def recovery_start(*, msisdn: str, method: str, actor: Actor, now: datetime) -> OtpChallenge | None:
    """Step 1 of recovery: send the SMS code, but only to a registered, served number; any other
    number gets the same answer and no SMS."""
    if method not in Method.values:
        raise DomainError("method_invalid", _("Choose how to identify the number."), field="method")
    if method != Method.SMS:
        return None
    subscriber = _subscriber(msisdn)
    user = _user(msisdn)
    deliver = subscriber is not None and user is not None
    if deliver:
        ensure_access(subscriber=subscriber)
    return otp_send(msisdn=msisdn, purpose=Purpose.RECOVER, actor=actor, now=now, deliver=deliver)


def password_recover(
    *, msisdn: str, method: str, secret: str, password: str, password2: str, actor: Actor, now: datetime
) -> User:
    """AUTH-7: the code or PUK1 and the new password twice; every session and token ends."""
    limits.guard(msisdn=msisdn, ip=actor.ip, now=now)
    check_new_password(password, password2)
    subscriber = _subscriber(msisdn)
    _identify(
        msisdn=msisdn,
        method=method,
        purpose=Purpose.RECOVER,
        secret=secret,
        subscriber=subscriber,
        actor=actor,
        now=now,
    )
    if subscriber is None:
        raise puk_invalid()
    ensure_access(subscriber=subscriber)
    with transaction.atomic():
        user = _create_or_reset(subscriber=subscriber, password=password, now=now, temporary=False)
        audit_record(
            actor=Actor(channel=actor.channel, user=user, ip=actor.ip, user_agent=actor.user_agent),
            action="auth.password_recovered",
            now=now,
            subscriber=subscriber,
            obj=user,
            details={"method": method},
        )
    limits.record_success(msisdn=msisdn)
    return user


# --- login (AUTH-6, AUTH-8) ----------------------------------------------------------------


@dataclass
class LoginResult:
    user: User
    second_factor: bool  # an SMS code must follow (rule LOGIN_SECOND_FACTOR)
    must_change_password: bool  # temporary or expired password (AUTH-8)


def _login_failed(
    *, key: str, user: User | None, actor: Actor, now: datetime, reason: str, kind: str | None = None
) -> DomainError:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="auth.login_failed",
            now=now,
            subscriber=user.subscriber if user is not None else None,
            outcome="denied",
            details={"login": key, "reason": reason, **({"form": kind} if kind else {})},
        )
    limits.record_failure(msisdn=key, ip=actor.ip, now=now)
    return login_invalid(kind)


def login_check(
    *, login: str, password: str, actor: Actor, now: datetime, send_code: bool = True, kind: str | None = None
) -> LoginResult:
    """AUTH-6: number and password; HOME-1: the contract login and password of a home-and-office
    user, through the same path (limits, lockout, audit, access, temporary passwords). ``kind``
    is the form's choice ("mobile" or "home"): an account of the other kind gets the same answer
    as a wrong password. The lock is checked before hashing; an unknown login still costs one
    hash so that timing does not tell it apart. The SMS second factor is for mobile numbers only."""
    key = normalize_login(login)
    limits.guard(msisdn=key, ip=actor.ip, now=now)
    user = _user(key)
    if not is_registered(user) or user is None:
        make_password(password or "")
        raise _login_failed(key=key, user=user, actor=actor, now=now, reason="unknown", kind=kind)
    if not user.check_password(password or "") or not user.is_active:
        raise _login_failed(key=key, user=user, actor=actor, now=now, reason="password", kind=kind)
    if not kind_matches(user, kind):
        raise _login_failed(key=key, user=user, actor=actor, now=now, reason="kind", kind=kind)
    limits.record_success(msisdn=key)
    as_user = Actor(channel=actor.channel, user=user, ip=actor.ip, user_agent=actor.user_agent)
    try:
        ensure_access(subscriber=user.subscriber)
    except DomainError as error:
        with transaction.atomic():
            audit_record(
                actor=as_user,
                action="auth.login_failed",
                now=now,
                subscriber=user.subscriber,
                outcome="denied",
                details={"login": key, "reason": error.code},
            )
        raise
    temp_hours = timedelta(hours=int(rules.get("TEMP_PASSWORD_HOURS")))
    if user.must_change_password and user.password_changed_at and user.password_changed_at + temp_hours <= now:
        with transaction.atomic():
            audit_record(
                actor=as_user,
                action="auth.login_failed",
                now=now,
                subscriber=user.subscriber,
                outcome="denied",
                details={"login": key, "reason": "temporary_password_expired"},
            )
        if user.kind == User.Kind.HOME:
            raise DomainError(
                "temporary_password_expired",
                _("The temporary password has expired. Ask the operator for a new one."),
                kind=ErrorKind.UNAUTHORIZED,
            )
        raise DomainError(
            "temporary_password_expired",
            _('The temporary password has expired. Press "Forgot password?" to get a new one.'),
            kind=ErrorKind.UNAUTHORIZED,
        )
    # The code goes by SMS to the login itself: only a mobile user's login is a number.
    second = bool(rules.get("LOGIN_SECOND_FACTOR")) and user.subscriber_id is not None and user.kind == User.Kind.MOBILE
    if second and send_code:
        _send_login_code(user=user, actor=as_user, now=now)
    else:
        with transaction.atomic():
            audit_record(actor=as_user, action="auth.login", now=now, subscriber=user.subscriber, obj=user)
    return LoginResult(user=user, second_factor=second, must_change_password=must_change_password(user, now))


def _send_login_code(*, user: User, actor: Actor, now: datetime) -> None:
    try:
        otp_send(msisdn=user.login, purpose=Purpose.LOGIN, actor=actor, now=now)
    except DomainError as error:
        # A code sent less than OTP_RESEND_SECONDS ago is still valid: the user types that one.
        if error.code != "otp_resend_too_soon":
            raise


def login_confirm(*, user: User, code: str, actor: Actor, now: datetime) -> LoginResult:
    """AUTH-6 variant: the SMS code after the password."""
    otp_verify(msisdn=user.login, purpose=Purpose.LOGIN, code=code, actor=actor, now=now)
    limits.record_success(msisdn=user.login)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="auth.login",
            now=now,
            subscriber=user.subscriber,
            obj=user,
            details={"second_factor": True},
        )
    return LoginResult(user=user, second_factor=False, must_change_password=must_change_password(user, now))


def logout(*, user: User, session_key: str, actor: Actor, now: datetime) -> None:
    """End the session: its pending requests are cancelled (AUTH-9) and the logout audited."""
    from .pending import pending_cancel_for_session

    with transaction.atomic():
        pending_cancel_for_session(session_key=session_key, reason="logout", now=now)
        audit_record(actor=actor, action="auth.logout", now=now, subscriber=user.subscriber, obj=user)


# --- passwords (AUTH-8) --------------------------------------------------------------------


def password_change(
    *,
    user: User,
    old_password: str,
    password: str,
    password2: str,
    actor: Actor,
    now: datetime,
    keep_session_key: str = "",
) -> None:
    """Change the password at any time (AUTH-8); forced for temporary and expired ones. Every
    other session and every API token ends; the caller keeps its own session."""
    limits.guard(msisdn=user.login, ip=actor.ip, now=now)
    check_new_password(password, password2, user=user)
    if not user.check_password(old_password or ""):
        with transaction.atomic():
            audit_record(
                actor=actor, action="auth.password_change_failed", now=now, subscriber=user.subscriber, outcome="denied"
            )
        limits.record_failure(msisdn=user.login, ip=actor.ip, now=now)
        raise DomainError("old_password_invalid", _("The current password is wrong."), field="old_password")
    if old_password == password:
        raise DomainError("password_same", _("The new password must differ from the current one."), field="password")
    with transaction.atomic():
        _store_password(user=user, password=password, now=now, keep_session_key=keep_session_key)
        audit_record(actor=actor, action="auth.password_changed", now=now, subscriber=user.subscriber, obj=user)
    limits.record_success(msisdn=user.login)


def password_issue_temporary(*, subscriber: Any, actor: Actor, now: datetime) -> User:
    """AUTH-8: the operator sends a temporary first password by SMS; it works
    ``TEMP_PASSWORD_HOURS`` and must be changed at the first login. Home-and-office lines have
    no number to text: staff use ``home_login_issue`` for them."""
    if is_home_line(subscriber):
        raise not_home_sms()
    ensure_access(subscriber=subscriber)
    password = generate_password()
    with transaction.atomic():
        user = _create_or_reset(subscriber=subscriber, password=password, now=now, temporary=True)
        audit_record(actor=actor, action="auth.temporary_password", now=now, subscriber=subscriber, obj=user)
        with translation.override("ru"):
            text = gettext(
                "Your temporary ISSA password: %(password)s. Log in within %(hours)s h and choose your own."
            ) % {"password": password, "hours": rules.get("TEMP_PASSWORD_HOURS")}
        from issa.notifications.services import sms_send

        sms_send(msisdn=subscriber.msisdn, text=text, kind="password", now=now, sensitive=True)
    return user


# --- home and office logins (HOME-1) -------------------------------------------------------


def is_home_line(subscriber: Any) -> bool:
    """A fixed-internet line: its plan is of the home-and-office kind."""
    from issa.catalog.models import TariffPlan

    return subscriber is not None and subscriber.plan.kind == TariffPlan.Kind.HOME


def not_home_sms() -> DomainError:
    return DomainError(
        "home_line_no_sms",
        _("A home and office line has no number to send an SMS to: issue its login in the back office."),
        kind=ErrorKind.CONFLICT,
    )


@dataclass
class HomeLoginIssued:
    user: User
    password: str  # shown once to the staff member who hands it to the client; never stored or logged
    created: bool

    def __repr__(self) -> str:
        return f"<HomeLoginIssued {self.user.login} created={self.created}>"


def home_login_issue(*, subscriber: Any, actor: Actor, now: datetime) -> HomeLoginIssued:
    """HOME-1 with AUTH-8: staff issue the contract login of a home-and-office line (``h`` and seven
    digits) with a temporary password, or a new temporary password for the login it has (the
    operator is how a home user recovers a password: there is no SMS or USSD to a fixed line).
    The password works ``TEMP_PASSWORD_HOURS`` and must be changed at the first login; every
    session and token of the login ends. Audited without the password."""
    from issa.subscribers.models import Subscriber

    if not is_home_line(subscriber) or subscriber.status == Subscriber.Status.CLOSED:
        raise DomainError(
            "not_home_line",
            _("Only a live home and office line gets a home login."),
            kind=ErrorKind.CONFLICT,
        )
    ensure_access(subscriber=subscriber)
    password = generate_password()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(subscriber=subscriber).first()
        created = user is None
        if user is None:
            user = _home_user_create(subscriber=subscriber, now=now)
        elif user.kind != User.Kind.HOME:
            raise DomainError(
                "not_home_login", _("This line already has a login of another kind."), kind=ErrorKind.CONFLICT
            )
        _store_password(user=user, password=password, now=now, temporary=True)
        audit_record(
            actor=actor,
            action="auth.home_login_issued",
            now=now,
            subscriber=subscriber,
            obj=user,
            details={"login": user.login, "created": created},
        )
    limits.record_success(msisdn=user.login)  # the operator vouched for the client: unlock
    return HomeLoginIssued(user=user, password=password, created=created)


def _home_user_create(*, subscriber: Any, now: datetime) -> User:
    """A new home user on the next free login (a login taken a moment ago elsewhere: the next one)."""
    after = 0
    for _attempt in range(5):
        login = home_login_next(after=after)
        user = User(
            login=login,
            kind=User.Kind.HOME,
            subscriber=subscriber,
            full_name=subscriber.display_name,
            email=subscriber.account.client.email,
            date_joined=now,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            if User.objects.filter(subscriber=subscriber).exists():
                raise DomainError(
                    "login_taken", _("This line got a login a moment ago."), kind=ErrorKind.CONFLICT
                ) from None
            after = int(login[1:])
            continue
        return user
    raise DomainError("login_taken", _("This login is already in use."), kind=ErrorKind.CONFLICT)


def puk_registration_set(*, subscriber: Any, enabled: bool, actor: Actor, now: datetime) -> bool:
    """AUTH-4: a sales centre switches "Регистрация по PUK1" on or off for a number (audited).
    Returns True when the flag changed."""
    from issa.subscribers.models import Subscriber

    with transaction.atomic():
        locked = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if locked.puk_registration == enabled:
            return False
        locked.puk_registration = enabled
        locked.save(update_fields=["puk_registration", "updated_at"])
        subscriber.puk_registration = enabled
        audit_record(
            actor=actor,
            action="auth.puk_registration_enabled" if enabled else "auth.puk_registration_disabled",
            now=now,
            subscriber=locked,
            obj=locked,
        )
    return True


def user_login_change(*, user: User, new_login: str, actor: Actor, now: datetime) -> User:
    """The login follows the subscriber's new number after a change of number (SVC-6). The
    password, sessions and API tokens stay valid: they belong to the user, not to the login.
    Call inside the transaction of the number change; audited there."""
    new_login = (new_login or "").strip()
    if not new_login or len(new_login) > 64:
        raise DomainError("invalid_login", _("The new login is not valid."), field="login")
    if user.login == new_login:
        return user
    old_login = user.login
    if User.objects.filter(login=new_login).exclude(pk=user.pk).exists():
        raise DomainError("login_taken", _("This login is already in use."), kind=ErrorKind.CONFLICT, field="login")
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(login=new_login)
    except IntegrityError:
        raise DomainError(
            "login_taken", _("This login is already in use."), kind=ErrorKind.CONFLICT, field="login"
        ) from None
    user.login = new_login
    audit_record(
        actor=actor,
        action="auth.login_change",
        now=now,
        subscriber=user.subscriber,
        obj=user,
        details={"old": old_login, "new": new_login},
    )
    return user
