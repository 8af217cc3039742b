"""Usage records from the network (BSS-2): files, their batches, the records and the quarantine.

Every line of every file is accounted for: it becomes a record, is counted as a duplicate of one
already loaded (same source and record id), or lands in the quarantine with its reason and the
raw line. ``UsageFile`` keeps the counts; ``UsageBatch`` is one committed chunk of a file (the
checkpoint an interrupted import resumes from, and the unit the ledger is posted per).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UsageSource(models.Model):
    """A network element or partner that sends files (an MSC, an SMSC, a GGSN, a roaming hub).

    Record ids are unique per source; imports of one source take this row's lock per batch, so
    two overlapping files of the same source never load the same record twice."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("usage source")
        verbose_name_plural = _("usage sources")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class UsageFile(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(
        UsageSource, on_delete=models.PROTECT, null=True, blank=True, related_name="files", verbose_name=_("source")
    )
    name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.BigIntegerField(_("size, bytes"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROCESSING)
    lines_read = models.IntegerField(_("lines read"), default=0)
    loaded = models.IntegerField(_("records loaded"), default=0)
    duplicates = models.IntegerField(_("duplicates"), default=0)
    quarantined = models.IntegerField(_("quarantined"), default=0)
    last_line = models.IntegerField(_("last line done"), default=0, help_text=_("Checkpoint of the import"))
    charged = models.BigIntegerField(_("charged, kopecks"), default=0)
    parts = models.PositiveSmallIntegerField(
        _("parts"), default=1, help_text=_("Worker processes the import splits the file's numbers between")
    )
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("usage file")
        verbose_name_plural = _("usage files")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def accounted(self) -> int:
        return self.loaded + self.duplicates + self.quarantined


class UsageBatch(models.Model):
    """One committed chunk: its records, its quarantined lines, its ledger entries and its
    allowance updates were written in one transaction together with this row. In an import split
    between worker processes (``UsageFile.parts``), a batch holds one part's lines of the chunk,
    and the part's last batch is that part's checkpoint."""

    file = models.ForeignKey(UsageFile, on_delete=models.PROTECT, null=True, blank=True, related_name="batches")
    number = models.IntegerField(_("number"))
    part = models.PositiveSmallIntegerField(_("part"), default=0)
    first_line = models.IntegerField(_("first line"), default=0)
    last_line = models.IntegerField(_("last line"), default=0)
    records = models.IntegerField(_("records"), default=0)
    charged = models.BigIntegerField(_("charged, kopecks"), default=0)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("usage batch")
        verbose_name_plural = _("usage batches")
        constraints = [
            models.UniqueConstraint(fields=["file", "part", "number"], name="usage_batch_unique_part_number")
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class UsageRecord(models.Model):
    """A rated usage record. On PostgreSQL the table is partitioned by month of ``start_time``
    (migration 0001 creates it by hand; ADR 0006): its unique key is (source, start_time,
    record_id) and it is loaded with COPY; ``id`` has no index there."""

    source = models.CharField(_("source"), max_length=40)
    record_id = models.CharField(_("record id"), max_length=64)
    start_time = models.DateTimeField(_("start"))
    msisdn = models.CharField(_("number"), max_length=15)
    subscriber_id = models.BigIntegerField(_("subscriber"))
    account_id = models.BigIntegerField(_("account"))
    kind = models.CharField(_("kind"), max_length=8)
    outgoing = models.BooleanField(_("outgoing"))
    destination = models.CharField(_("destination"), max_length=16)
    other_party = models.CharField(_("other party"), max_length=32, blank=True)
    duration = models.IntegerField(_("duration, s"), default=0)
    quantity = models.BigIntegerField(_("quantity (seconds, pieces or bytes)"))
    up_bytes = models.BigIntegerField(_("bytes up"), default=0)
    down_bytes = models.BigIntegerField(_("bytes down"), default=0)
    service = models.CharField(_("service"), max_length=64, blank=True)
    domain = models.CharField(_("domain"), max_length=253, blank=True)
    file_id = models.BigIntegerField(_("file"), null=True)
    line_no = models.IntegerField(_("line"), default=0)
    batch_id = models.BigIntegerField(_("batch"))
    plan_terms_id = models.BigIntegerField(_("price version (plan terms)"), null=True)
    usage_price_id = models.BigIntegerField(_("unit price"), null=True)
    billable = models.BigIntegerField(_("billable units"), default=0)
    from_allowances = models.BigIntegerField(_("covered by allowances"), default=0)
    charge = models.BigIntegerField(_("charge, kopecks"), default=0)
    bill_period = models.CharField(_("billed in period"), max_length=7)
    correction = models.BooleanField(_("late: correction of a closed period"), default=False)
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")
        constraints = [
            models.UniqueConstraint(fields=["source", "start_time", "record_id"], name="usage_record_key"),
        ]
        indexes = [models.Index(fields=["subscriber_id", "start_time"], name="usage_record_sub_time")]

    def __str__(self) -> str:
        return f"{self.source}:{self.record_id}"


class QuarantinedLine(models.Model):
    """A line that could not be rated, kept with its reason until staff re-process or dismiss it."""

    class Reason(models.TextChoices):
        UNKNOWN_NUMBER = "unknown_number", _("Unknown number")
        NOT_CONNECTED = "not_connected", _("Number not connected at that time")
        BROKEN_FIELD = "broken_field", _("Broken field")
        IMPOSSIBLE_TIME = "impossible_time", _("Impossible time")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting")
        LOADED = "loaded", _("Loaded after re-processing")
        DUPLICATE = "duplicate", _("Already loaded")
        DISMISSED = "dismissed", _("Dismissed")

    file = models.ForeignKey(UsageFile, on_delete=models.PROTECT, related_name="quarantine", verbose_name=_("file"))
    line_no = models.IntegerField(_("line"))
    raw = models.TextField(_("line as received"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    message = models.CharField(_("details"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    attempts = models.IntegerField(_("re-processing attempts"), default=0)
    created_at = models.DateTimeField(_("quarantined at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quarantined line")
        verbose_name_plural = _("quarantine")
        ordering = ["-created_at", "file", "line_no"]
        constraints = [models.UniqueConstraint(fields=["file", "line_no"], name="quarantine_unique_line")]
        indexes = [models.Index(fields=["status", "reason"])]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.line_no}"


from .models_stats import ServiceDomain, StatRequest  # noqa: E402,F401 — STAT-1..4 (issa/usage/stats.py)
