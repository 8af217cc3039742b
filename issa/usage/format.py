"""The usage file format (docs/usage-format.md): parse one line into a record or say why not.

Pipe-separated UTF-8 text, one record per line, a header line first::

    #ISSA-USAGE|1|MSC-MINSK-1
    c-000001|375291234567|voice|2026-11-05T14:03:22+03:00|125|out|375447654321|offnet|||0|0

These functions are pure (no database): the import pipeline calls them per line, so they are
written for speed (``str.split`` and ``datetime.fromisoformat``, no regular expression per line).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import compress, repeat
from operator import add, attrgetter, itemgetter, methodcaller, mul
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
    start = start.astimezone(UTC)  # one tzinfo for all: comparing and sorting is then cheap
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


# --- Many lines at once -----------------------------------------------------------------------
#
# The import parses a chunk of lines, and nearly every line is good. ``parse_lines_between`` checks
# a block of lines column by column with C-level operations (one ``split`` of the joined block, then
# ``map``/``join``/``min``/``max`` over each column) instead of a dozen Python steps per line; only a
# block where some check fails is split in halves and, below ``_SMALL`` lines, parsed line by line
# by ``parse_line_between``, which gives the verdict and its message. A block parsed at once gives
# exactly what ``parse_line_between`` gives for each of its lines (test_format.py, hypothesis).

_BLOCK = 4096
_SMALL = 32
_PIECES = frozenset({"sms", "mms"})
_OUT_IN_KEYS = frozenset(_OUT_IN)
# per kind: (amount is the duration, amount is the quantity, bytes are kept, bytes are the quantity)
_KIND_FACTORS = {
    "voice": (1, 1, 1, 0),
    "data": (1, 0, 1, 1),
    "sms": (0, 1, 0, 0),
    "mms": (0, 1, 0, 0),
}
_strip = str.rstrip
_in_utc = methodcaller("astimezone", UTC)
_tzinfo = attrgetter("tzinfo")
_count = str.count


def _digit_column(values: list[str]) -> list[int] | None:
    """The column as ints if every value is 1-19 ASCII digits (what ``_int`` accepts), else None."""
    if min(map(len, values)) < 1 or max(map(len, values)) > 19:
        return None
    joined = "".join(values)
    if not (joined.isascii() and joined.isdigit()):
        return None
    return list(map(int, values))


def _parse_block(raws: list[str], earliest: datetime, latest: datetime) -> list[list[Any]] | None:
    """Every line of ``raws`` parsed, as ``Parsed``'s fields in columns, or None if any line
    might not be a good record."""
    texts = list(map(_strip, raws, repeat("\r\n")))
    if min(map(_count, texts, repeat(SEPARATOR))) != 11 or max(map(_count, texts, repeat(SEPARATOR))) != 11:
        return None
    joined = SEPARATOR.join(texts)
    if "\\" in joined or not joined.isprintable():  # no newline inside a line either
        return None
    flat = joined.split(SEPARATOR)
    rids, msisdns, kinds, start_texts, amounts, directions = (flat[i::12] for i in range(6))
    others, dests, services, domains, ups, downs = (flat[i::12] for i in range(6, 12))
    if min(map(len, rids)) < 1 or max(map(len, rids)) > 64 or _RECORD_ID_BAD.search("".join(rids)):
        return None
    if "+" in "".join(msisdns):
        msisdns = [m[1:] if m[:1] == "+" else m for m in msisdns]
    numbers = "".join(msisdns)
    if min(map(len, msisdns)) < 11 or max(map(len, msisdns)) > 15 or not (numbers.isascii() and numbers.isdigit()):
        return None
    if not KINDS.issuperset(kinds) or not _OUT_IN_KEYS.issuperset(directions) or not DESTINATIONS.issuperset(dests):
        return None
    if max(map(len, others)) > 32 or max(map(len, services)) > 64 or max(map(len, domains)) > 253:
        return None
    try:
        starts = list(map(datetime.fromisoformat, start_texts))
    except ValueError:
        return None
    if None in map(_tzinfo, starts):
        return None
    starts = list(map(_in_utc, starts))
    if min(starts) < earliest or max(starts) > latest:
        return None
    amount = _digit_column(amounts)
    up = _digit_column(ups)
    down = _digit_column(downs)
    if amount is None or up is None or down is None:
        return None
    factors = list(map(_KIND_FACTORS.__getitem__, kinds))
    f_duration, f_amount, f_bytes, f_volume = (list(map(itemgetter(i), factors)) for i in range(4))
    durations = list(map(mul, amount, f_duration))
    if max(durations) > MAX_CALL_SECONDS:
        return None
    pieces = list(compress(amount, map(_PIECES.__contains__, kinds)))
    if pieces and (min(pieces) < 1 or max(pieces) > MAX_PIECES):
        return None
    up = list(map(mul, up, f_bytes))
    down = list(map(mul, down, f_bytes))
    if max(up) > MAX_BYTES or max(down) > MAX_BYTES:
        return None
    volumes = list(map(mul, map(add, up, down), f_volume))
    quantities = list(map(add, map(mul, amount, f_amount), volumes))
    outgoing = list(map(_OUT_IN.__getitem__, directions))
    return [
        rids, msisdns, kinds, starts, durations, quantities, outgoing, others, dests, services, domains, up, down,
        start_texts,
    ]  # fmt: skip


def parse_columns(
    lines: Sequence[tuple[int, str]], *, earliest: datetime, latest: datetime
) -> tuple[list[int], list[list[Any]], dict[int, LineError]]:
    """``parse_line_between`` for many (line number, raw text) lines, as columns: the good lines'
    numbers, their records' fields in ``Parsed`` order as 14 columns, and the error of each bad
    line by its number."""
    line_nos: list[int] = []
    columns: list[list[Any]] = [[] for _ in Parsed._fields]
    errors: dict[int, LineError] = {}

    def parse(block: Sequence[tuple[int, str]]) -> None:
        records = _parse_block([raw for _, raw in block], earliest, latest)
        if records is not None:
            line_nos.extend([line_no for line_no, _ in block])
            for column, values in zip(columns, records, strict=True):
                column.extend(values)
            return
        if len(block) > _SMALL:
            half = len(block) // 2
            parse(block[:half])
            parse(block[half:])
            return
        for line_no, raw in block:
            try:
                record = parse_line_between(raw, earliest=earliest, latest=latest)
            except LineError as error:
                errors[line_no] = error
                continue
            line_nos.append(line_no)
            for column, value in zip(columns, record, strict=True):
                column.append(value)

    for offset in range(0, len(lines), _BLOCK):
        parse(lines[offset : offset + _BLOCK])
    return line_nos, columns, errors


def parse_lines_between(
    lines: Sequence[tuple[int, str]], *, earliest: datetime, latest: datetime
) -> tuple[list[tuple[int, Parsed]], dict[int, LineError]]:
    """``parse_columns`` as (line number, ``Parsed``) pairs in line order, and the errors."""
    line_nos, columns, errors = parse_columns(lines, earliest=earliest, latest=latest)
    records = map(_new_parsed, repeat(Parsed), zip(*columns, strict=True))
    return list(zip(line_nos, records, strict=True)), errors
