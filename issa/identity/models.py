"""Users (keyed by login: the MSISDN for mobile subscribers) and the audit trail (AUTH-13)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issa.core.models import AppendOnlyModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, login: str, password: str | None = None, **extra: object) -> User:
        user = self.model(login=login, **extra)
        user.set_password(password)  # None -> unusable password
        user.save(using=self._db)
        return user

    def create_superuser(self, login: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("kind", User.Kind.STAFF)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(login, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One login of ISSA.

    ``login`` is the MSISDN (``375291234567``) for mobile subscribers, the contract login for
    home-and-office users and a staff login for the operator's employees.
    """

    class Kind(models.TextChoices):
        MOBILE = "mobile", _("Mobile subscriber")
        HOME = "home", _("Home and office user")
        STAFF = "staff", _("Operator staff")

    login = models.CharField(_("login"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MOBILE)
    subscriber = models.OneToOneField(
        "subscribers.Subscriber",
        on_delete=models.PROTECT,
        related_name="user",
        null=True,
        blank=True,
        verbose_name=_("subscriber"),
    )
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("registered in ISSA"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "login"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.login


class AuditEvent(AppendOnlyModel):
    """Who (and on whose behalf) did what, to what, when, from where and through which channel.

    Written by ``identity.services.audit_record`` in the same transaction as the change it records.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("Web portal")
        API = "api", _("API")
        USSD = "ussd", _("USSD")
        SMS = "sms", _("SMS")
        ADMIN = "admin", _("Back office")
        SYSTEM = "system", _("System")

    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("who")
    )
    actor_label = models.CharField(_("who (as shown)"), max_length=120, blank=True)
    client = models.ForeignKey(
        "customers.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of client"),
    )
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subscriber concerned"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, default="ok")
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subscriber", "-at"]),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["client", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class OtpChallenge(models.Model):
    """A one-time code sent by SMS (AUTH-2, AUTH-6, AUTH-7). Only its keyed hash is stored, bound
    to the number and the purpose; it dies when used, replaced, expired or guessed wrong too often."""

    class Purpose(models.TextChoices):
        REGISTER = "register", _("Registration")
        RECOVER = "recover", _("Password recovery")
        LOGIN = "login", _("Login confirmation")
        STEP_UP = "step_up", _("Confirmation of an action")

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for the code")
        USED = "used", _("Used")
        REPLACED = "replaced", _("Replaced by a newer code")
        FAILED = "failed", _("Too many wrong tries")

    msisdn = models.CharField(_("number"), max_length=15)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    delivered = models.BooleanField(
        _("sent"), default=True, help_text=_("False when the number is not served: nothing was sent")
    )
    ip = models.GenericIPAddressField(_("requested from"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["msisdn", "purpose", "-created_at"]),
            models.Index(fields=["ip", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} …{self.msisdn[-4:]} {self.state}"

    def __repr__(self) -> str:  # the hash stays out of logs too
        return f"<OtpChallenge {self.pk} {self.purpose} {self.state}>"


class ApiToken(models.Model):
    """A bearer token for the operator's mobile app: stored as a keyed hash, expiring, revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=80, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("begins with"), max_length=12)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("created from"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})" if self.name else f"{self.prefix}…"

    def __repr__(self) -> str:
        return f"<ApiToken {self.pk} {self.prefix}>"

    def is_live(self, now: object) -> bool:
        return self.revoked_at is None and self.expires_at > now  # type: ignore[operator]


class PendingRequest(models.Model):
    """A multi-step request started in a session and waiting for its confirmation (AUTH-9).

    Cancelled when the session ends (logout, idle timeout, password change) so that nothing
    started by a user who walked away is completed later. See ``identity.services.pending``.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    session_key = models.CharField(_("session"), max_length=64, db_index=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pending_requests", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pending request")
        verbose_name_plural = _("pending requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.state}"
