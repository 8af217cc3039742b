"""The usage file format (docs/usage-format.md): parse one line into a record or say why not.

Pipe-separated UTF-8 text, one record per line, a header line first::

    #ISSA-USAGE|1|MSC-MINSK-1
    c-000001|375291234567|voice|2026-11-05T14:03:22+03:00|125|out|375447654321|offnet|||0|0

These functions are pure (no database): the import pipeline calls them per line, so they are
written for speed (``str.split`` and ``datetime.fromisoformat``, no regular expression per line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.utils import translation
from django.utils.translation import gettext_lazy as _

HEADER_MAGIC = "#ISSA-USAGE"
FORMAT_VERSION = "1"
SEPARATOR = "|"
FIELDS = (
    "record_id",
    "msisdn",
    "kind",
    "start",
    "amount",
    "direction",
    "other_party",
    "destination",
    "service",
    "domain",
    "up_bytes",
    "down_bytes",
)
KINDS = frozenset({"voice", "sms", "mms", "data"})
DESTINATIONS = frozenset(
    {
        "onnet",
        "offnet",
        "fixed",
        "intl_cis",
        "intl_europe",
        "intl_world",
        "roaming_1",
        "roaming_2",
        "roaming_3",
        "home",
    }
)
MAX_CALL_SECONDS = 24 * 3600
MAX_PIECES = 100
MAX_BYTES = 1 << 40
FUTURE_TOLERANCE = timedelta(minutes=5)
_SOURCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_RECORD_ID_BAD = re.compile(r"[^A-Za-z0-9._:\-]")


class Parsed(NamedTuple):
    record_id: str
    msisdn: str
    kind: str
    start: datetime
    duration: int  # seconds (voice, data sessions); 0 for SMS and MMS
    quantity: int  # what is rated: seconds, pieces or bytes (up + down)
    outgoing: bool
    other_party: str
    destination: str
    service: str
    domain: str
    up_bytes: int
    down_bytes: int
    start_text: str  # as in the file: valid input for PostgreSQL's timestamptz


@dataclass
class LineError(Exception):
    """Why a line is quarantined: a stable reason code and a message for staff."""

    reason: str
    message: Any
    params: dict[str, Any]

    def text(self, language: str = "ru") -> str:
        with translation.override(language):
            return str(self.message) % self.params if self.params else str(self.message)


def _broken(field: str, value: str) -> LineError:
    return LineError(
        "broken_field",
        _("Field %(field)s has a wrong value: %(value)s"),
        {"field": field, "value": value[:60] or "∅"},
    )


class FileFormatError(ValueError):
    """The file as a whole cannot be read (no header, unknown version): nothing is loaded."""


def parse_header(line: str) -> str:
    """The source id from the header line, or FileFormatError."""
    parts = line.rstrip("\r\n").split(SEPARATOR)
    if len(parts) < 3 or parts[0] != HEADER_MAGIC:
        raise FileFormatError(f"the first line must be '{HEADER_MAGIC}|{FORMAT_VERSION}|<source>'")
    if parts[1] != FORMAT_VERSION:
        raise FileFormatError(f"unknown format version {parts[1][:10]!r}")
    if not _SOURCE_RE.match(parts[2]):
        raise FileFormatError("the source id must be 1-40 letters, digits, '.', '_' or '-'")
    return parts[2]


def _int(field: str, text: str, limit: int) -> int:
    if len(text) > 19 or not (text.isascii() and text.isdigit()):
        raise _broken(field, text)
    value = int(text)
    if value > limit:
        raise _broken(field, text)
    return value


def _time_error(message: Any, text: str, **params: Any) -> LineError:
    return LineError("impossible_time", message, {"value": text[:40] or "∅", **params})


def parse_line(line: str, *, now: datetime, max_age: timedelta) -> Parsed:
    """One record line -> ``Parsed``; a ``LineError`` for anything wrong with it."""
    return parse_line_between(line, earliest=now - max_age, latest=now + FUTURE_TOLERANCE)


_new_parsed = tuple.__new__  # Parsed(...) goes through a Python-level __new__; this is the C one
_OUT_IN = {"out": True, "in": False}


def parse_line_between(line: str, *, earliest: datetime, latest: datetime) -> Parsed:
    """``parse_line`` with the accepted time window computed once per batch (the hot path: a
    few µs a line, so the common case is checked inline and the rare cases fall back to the
    general helpers, with the same verdicts)."""
    text = line.rstrip("\r\n")
    parts = text.split(SEPARATOR)
    if len(parts) != 12:  # len(FIELDS)
        raise LineError(
            "broken_field",
            _("Expected %(expected)s fields separated by '|', found %(found)s"),
            {"expected": len(FIELDS), "found": len(parts)},
        )
    record_id, msisdn, kind, start_text, amount, direction, other, dest, service, domain, up, down = parts
    if not record_id or len(record_id) > 64 or _RECORD_ID_BAD.search(record_id):
        raise _broken("record_id", record_id)
    if msisdn[:1] == "+":
        msisdn = msisdn[1:]
    if not 11 <= len(msisdn) <= 15 or not (msisdn.isascii() and msisdn.isdigit()):
        raise _broken("msisdn", msisdn)
    if kind not in KINDS:
        raise _broken("kind", kind)
    try:
        start = datetime.fromisoformat(start_text)
    except ValueError:
        raise _time_error(_("Not a date and time: %(value)s"), start_text) from None
    if start.tzinfo is None:
        raise _time_error(_("The time has no zone offset: %(value)s"), start_text)
    if start > latest:
        raise _time_error(_("The time is in the future: %(value)s"), start_text)
    if start < earliest:
        raise _time_error(
            _("The record is too old (accepted from %(earliest)s): %(value)s"),
            start_text,
            earliest=earliest.date().isoformat(),
        )
    outgoing = _OUT_IN.get(direction)
    if outgoing is None:
        raise _broken("direction", direction)
    if dest not in DESTINATIONS:
        raise _broken("destination", dest)
    if len(other) > 32 or len(service) > 64 or len(domain) > 253:
        raise _broken("other_party/service/domain", (other or service or domain)[:60])
    # No backslash, tab or control character anywhere: PostgreSQL's COPY takes the text as it is.
    if "\\" in text or not text.isprintable():
        raise _broken("line", "".join(c if c.isprintable() else "?" for c in text[:60]))
    if kind == "voice":
        if len(amount) <= 5 and amount.isascii() and amount.isdigit():  # the usual case, inline
            duration = quantity = int(amount)
            if quantity > MAX_CALL_SECONDS:
                raise _broken("amount", amount)
        else:
            duration = quantity = _int("amount", amount, MAX_CALL_SECONDS)
        up_bytes = down_bytes = 0
        if up != "0" or down != "0":
            up_bytes = _int("up_bytes", up, MAX_BYTES) if up else 0
            down_bytes = _int("down_bytes", down, MAX_BYTES) if down else 0
    elif kind == "data":
        duration = _int("amount", amount, MAX_CALL_SECONDS) if amount else 0
        up_bytes = _int("up_bytes", up, MAX_BYTES) if up else 0
        down_bytes = _int("down_bytes", down, MAX_BYTES) if down else 0
        quantity = up_bytes + down_bytes
    else:
        if amount == "1":  # the usual case: one piece
            quantity = 1
        else:
            quantity = _int("amount", amount, MAX_PIECES) if amount else 1
            if quantity < 1:
                raise _broken("amount", amount)
        duration = up_bytes = down_bytes = 0
    return _new_parsed(
        Parsed,
        (
            record_id,
            msisdn,
            kind,
            start,
            duration,
            quantity,
            outgoing,
            other,
            dest,
            service,
            domain,
            up_bytes,
            down_bytes,
            start_text,
        ),
    )


def format_line(
    *,
    record_id: str,
    msisdn: str,
    kind: str,
    start: datetime,
    amount: int,
    outgoing: bool = True,
    other_party: str = "",
    destination: str = "onnet",
    service: str = "",
    domain: str = "",
    up_bytes: int = 0,
    down_bytes: int = 0,
) -> str:
    """A record line (without the newline), the inverse of ``parse_line``; tests and the demo use it."""
    return SEPARATOR.join(
        (
            record_id,
            msisdn,
            kind,
            start.isoformat(timespec="seconds"),
            str(amount),
            "out" if outgoing else "in",
            other_party,
            destination,
            service,
            domain,
            str(up_bytes),
            str(down_bytes),
        )
    )


def header_line(source: str) -> str:
    return SEPARATOR.join((HEADER_MAGIC, FORMAT_VERSION, source))
