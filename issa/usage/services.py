"""Import of usage files (BSS-2) and re-processing of the quarantine.

A file is read as a stream in chunks. Each chunk is one transaction that writes together: its
records (COPY), its quarantined lines, its allowance updates, its ledger entries, a ``UsageBatch``
row and the file's new counts and checkpoint. An import killed at any point leaves whole chunks
behind; importing the same file again resumes after the last committed one. Records are
idempotent by (source, record id, start time): a line already stored is counted as a duplicate,
never rated again.

On PostgreSQL a file is split between worker processes by number (``UsageFile.parts``, ADR 0006):
each worker reads the whole file, keeps the lines of its numbers and imports them as above, with
its own checkpoint (its last batch). All of a number's records are rated by one worker, in file
order, so the result is the one a single process gives; the allowance rows, the only rows two
workers could share (a subscriber who changed numbers), are locked in id order.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
import select
import shutil
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from issa.core import rules
from issa.identity.actor import Actor
from issa.identity.services import audit_record
from issa.rating.pipeline import BatchRater, Catalogue, Item, NotRatable, RatingContext, post_charges

from . import storage
from .format import FUTURE_TOLERANCE, SEPARATOR, FileFormatError, Parsed, parse_columns, parse_header
from .models import QuarantinedLine, UsageBatch, UsageFile, UsageSource

log = logging.getLogger(__name__)

CHUNK_LINES = 100_000
RETRIES = 3
Progress = Callable[[int], None]


class UsageImportError(RuntimeError):
    """A worker process of a split import failed; the file stays ``processing`` and importing it
    again resumes every part from its checkpoint."""


def import_workers() -> int:
    """How many worker processes a new import splits its file between: ``ISSA_USAGE_IMPORT_WORKERS``
    (default 2) on PostgreSQL. One on SQLite (one writer at a time) and when the caller holds an
    open transaction (a worker process could not see what the caller has not committed)."""
    if not storage.is_postgres() or connection.in_atomic_block:
        return 1
    return max(1, int(getattr(settings, "ISSA_USAGE_IMPORT_WORKERS", 2)))


def part_of(raw: str, parts: int) -> int:
    """The part (worker) a raw line belongs to, by its number (second field): stable across
    processes and runs (CRC-32, not the per-process ``hash``), so a resumed import splits the same
    way. The number as the parser reads it (a leading "+" dropped), so "+375…" and "375…" of one
    number go to one part. A line without a second field goes to part 0, which quarantines it."""
    if parts == 1:
        return 0
    fields = raw.split(SEPARATOR, 2)
    return zlib.crc32(fields[1].removeprefix("+").encode()) % parts if len(fields) > 1 else 0


NOT_RATABLE_MESSAGES = {
    "unknown_number": _("No subscriber has number %(msisdn)s"),
    "not_connected": _("Number %(msisdn)s had no tariff plan at %(start)s"),
}


@dataclass
class ChunkResult:
    lines: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0
    charged: int = 0
    account_ids: set[int] = field(default_factory=set)
    # per line number: "loaded" | "duplicate" | (reason, message) for the quarantine
    outcome: dict[int, Any] = field(default_factory=dict)


def _clean(raw: str) -> str:
    return raw.rstrip("\r\n").replace("\x00", "\\0")[:4000]


def _max_age() -> timedelta:
    return timedelta(days=int(rules.get("USAGE_MAX_AGE_DAYS")))


Parsing = tuple[list[int], list[list[Any]], dict[int, Any]]  # line numbers, records as columns, errors


def parse_chunk(lines: Sequence[tuple[int, str]], *, now: datetime) -> Parsing:
    """Parse ``lines`` (line number, raw text): pure, no database, so the import parses the next
    chunk while PostgreSQL still loads this one's COPY."""
    line_nos, columns, errors = parse_columns(lines, earliest=now - _max_age(), latest=now + FUTURE_TOLERANCE)
    return line_nos, columns, {line_no: (error.reason, error.text()) for line_no, error in errors.items()}


def process_chunk(
    *,
    lines: Sequence[tuple[int, str]],
    source: UsageSource,
    file: UsageFile,
    batch_number: int,
    now: datetime,
    catalogue: Catalogue,
    parsing: Parsing | None = None,
    meanwhile: Callable[[], None] | None = None,
    part: int = 0,
) -> ChunkResult:
    """Parse, check, de-duplicate, rate and store ``lines`` (line number, raw text). Runs inside
    the caller's transaction; writes the batch row but not the file's counts or the quarantine
    (the callers differ there: an import adds lines, a re-process resolves them).

    ``parsing``: ``parse_chunk(lines)`` if the caller has it already. ``meanwhile``: called once
    the last record is in the COPY, before waiting for PostgreSQL to finish loading it (the
    import parses its next chunk there); it must not touch the database."""
    result = ChunkResult(lines=len(lines))
    line_nos, columns, errors = parsing if parsing is not None else parse_chunk(lines, now=now)
    result.outcome.update(errors)
    outcome_map = result.outcome
    rids, msisdns, kinds, starts, _d, quantities, outgoings, _o, dests, _s, _dm, _u, _dn, start_texts = columns
    ctx = RatingContext.load(msisdns=set(msisdns), catalogue=catalogue)
    rater = BatchRater(ctx)
    check, checked = rater.check, rater.checked
    # ``items`` (what rating needs) and ``kept`` (the record's index in ``parsed``) run in parallel.
    items: list[Item] = []
    kept: list[int] = []
    add_item, add_kept = items.append, kept.append
    seen: set[tuple[str, datetime]] = set()
    add_seen = seen.add
    # No record id twice in the chunk (the usual case): no key twice either, nothing to track.
    repeated = len(set(rids)) != len(rids)
    for index, (msisdn, start, rid, kind, quantity, dest, outgoing) in enumerate(
        zip(msisdns, starts, rids, kinds, quantities, dests, outgoings, strict=True)
    ):
        known = checked.get(msisdn)  # ``check``'s cache, inline: most records are answered here
        if known is not None and known[0] <= start < known[1]:
            sub, plan, period = known[2]
        else:
            try:
                sub, plan, period = check(msisdn, start)
            except NotRatable as error:
                message = NOT_RATABLE_MESSAGES[error.reason] % {"msisdn": msisdn, "start": start_texts[index]}
                outcome_map[line_nos[index]] = (error.reason, str(message))
                continue
        if repeated:
            key = (rid, start)
            if key in seen:
                outcome_map[line_nos[index]] = "duplicate"
                continue
            add_seen(key)
        add_item((sub, plan, kind, start, quantity, dest, outgoing, period))
        add_kept(index)
    if not repeated:
        seen = set(zip(rids, starts, strict=True))  # a superset of the kept records' keys: fine to probe
    between = (min(starts), max(starts)) if items else None
    stored = storage.existing_keys(source=source.code, keys=seen, between=between)
    if stored:
        pairs = []
        for item, index in zip(items, kept, strict=True):
            if (rids[index], starts[index]) in stored:
                outcome_map[line_nos[index]] = "duplicate"
            else:
                pairs.append((item, index))
        items = [item for item, _ in pairs]
        kept = [index for _, index in pairs]
    batch = UsageBatch.objects.create(
        file=file,
        number=batch_number,
        part=part,
        first_line=lines[0][0] if lines else 0,
        last_line=lines[-1][0] if lines else 0,
        created_at=now,
    )
    if items:
        rater.lock(items)
        storage.ensure_partitions(rater.seen_periods)
        code = source.code
        if storage.is_postgres():
            # The records go into an open COPY a slice at a time as they are rated, as COPY text
            # (``storage.COPY_TEXT_COLUMNS`` order) joined by C-level ``map``/``zip``/``join``: the
            # record's own fields from the file's text (one string per record, made before
            # rating), what depends only on the rating lookup (subscriber, account, price version,
            # bill period) formatted once per lookup, then the charge and the batch's constants.
            # PostgreSQL loads a slice while Python rates the next.
            own = storage.own_copy_texts(columns, line_nos)
            pick = own.__getitem__
            tail = (code, str(file.pk), str(batch.pk), now.isoformat())

            with storage.copy_text() as (buffer, flush):
                append = buffer.append

                def write(
                    indexes: list[int], metas: list[Any], billables: list[int], covered: list[int], kopecks: list[int]
                ) -> None:
                    append(
                        storage.copy_rows(
                            map(pick, map(kept.__getitem__, indexes)), metas, billables, covered, kopecks, tail
                        )
                    )
                    flush()

                outcome = rater.rate_slices(items, write=write, describe=storage.lookup_copy_text)
                if meanwhile is not None:
                    meanwhile()
        else:
            outcome = rater.rate(items)
            rows = []
            for index, rated in zip(kept, outcome.rated, strict=True):
                line_no, r = line_nos[index], Parsed._make(column[index] for column in columns)
                c = rated.charge
                rows.append(
                    (
                        code,
                        r.record_id,
                        r.start,
                        r.msisdn,
                        rated.subscriber_id,
                        rated.account_id,
                        r.kind,
                        r.outgoing,
                        r.destination,
                        r.other_party,
                        r.duration,
                        r.quantity,
                        r.up_bytes,
                        r.down_bytes,
                        r.service,
                        r.domain,
                        file.pk,
                        line_no,
                        batch.pk,
                        rated.plan_terms_id,
                        rated.usage_price_id,
                        c.billable,
                        c.from_allowances,
                        c.kopecks,
                        rated.bill_period,
                        rated.correction,
                        now,
                    )
                )
            storage.write_records(rows)
        outcome_map.update(dict.fromkeys([line_nos[index] for index in kept], "loaded"))
        rater.save(now=now)
        label = f"{file.name} #{batch_number}" if file.parts == 1 else f"{file.name} #{part + 1}.{batch_number}"
        post_charges(outcome=outcome, batch_id=batch.pk, now=now, label=label)
        result.charged = outcome.charged
        result.account_ids = outcome.account_ids
    values = list(outcome_map.values())
    result.loaded = values.count("loaded")
    result.duplicates = values.count("duplicate")
    result.quarantined = len(values) - result.loaded - result.duplicates
    UsageBatch.objects.filter(pk=batch.pk).update(records=result.loaded, charged=result.charged)
    return result


def _guard(account_ids: set[int], now: datetime) -> None:
    """The billing engineer's prepaid guard: block at or below zero, unblock above (BSS-3)."""
    if not account_ids:
        return
    try:
        from issa.billing.guard import prepaid_guard
    except ImportError:  # pragma: no cover - the guard ships with billing
        log.warning("issa.billing.guard is missing: prepaid subscribers are not blocked")
        return
    prepaid_guard(account_ids=account_ids, now=now)


def _scan(path: Path) -> tuple[str, int, int]:
    """SHA-256, size and number of lines of a file, in one pass of 1 MiB blocks."""
    digest = hashlib.sha256()
    size = lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
            lines += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        lines += 1
    return digest.hexdigest(), size, lines


def _chunks(
    handle: Any, start_after: int, size: int, *, part: int = 0, parts: int = 1
) -> Iterator[list[tuple[int, str]]]:
    """(line number, raw line) in lists of ``size``, after line ``start_after`` (the header is line
    1); with ``parts``, only the lines of ``part``, read ``size * parts`` lines at a time."""
    first = max(start_after + 1, 2)
    for _skipped in islice(handle, first - 2):
        pass
    while block := list(islice(handle, size * parts)):
        pairs = list(zip(range(first, first + len(block)), block, strict=True))
        first += len(block)
        if parts > 1:
            pairs = [pair for pair in pairs if part_of(pair[1], parts) == part]
            if not pairs:
                continue
        yield pairs


def _part_checkpoint(file: UsageFile, part: int) -> int:
    """The last line a part of a split import has committed: its last batch's."""
    return UsageBatch.objects.filter(file=file, part=part).aggregate(last=Max("last_line"))["last"] or 0


def usage_import_file(
    path: Path | str,
    *,
    now: datetime,
    actor: Actor,
    name: str | None = None,
    chunk_lines: int = CHUNK_LINES,
    progress: Progress | None = None,
    on_chunk: Callable[[UsageFile], None] | None = None,
    workers: int | None = None,
) -> UsageFile:
    """Import one usage file (or finish an interrupted import of the same content).

    ``progress`` is called with the number of lines done after each chunk (a progress bar);
    ``on_chunk`` after each committed chunk (the inbox watcher keeps the file's claim fresh).
    ``workers``: processes to split a new file between (``import_workers()`` when not given; an
    interrupted import keeps the split it started with)."""
    path = Path(path)
    name = name or path.name
    sha, size, line_count = _scan(path)
    with path.open(encoding="utf-8", errors="replace", newline="\n") as handle:
        header = handle.readline()
        try:
            source_code = parse_header(header)
        except FileFormatError as error:
            with transaction.atomic():
                failed = UsageFile.objects.create(
                    name=name,
                    sha256=sha,
                    size=size,
                    status=UsageFile.Status.FAILED,
                    lines_read=max(line_count - 1, 0),
                    error=str(error),
                    started_at=now,
                    finished_at=now,
                )
                audit_record(
                    actor=actor, action="usage.file_failed", now=now, obj=failed, details={"error": str(error)}
                )
            return failed
        source, _created = UsageSource.objects.get_or_create(code=source_code)
        file = (
            UsageFile.objects.filter(sha256=sha, source=source, status=UsageFile.Status.PROCESSING)
            .order_by("id")
            .first()
        )
        if file is None:
            parts = workers if workers is not None else import_workers()
            file = UsageFile.objects.create(
                source=source,
                name=name,
                sha256=sha,
                size=size,
                started_at=now,
                lines_read=max(line_count - 1, 0),
                parts=max(1, parts) if storage.is_postgres() else 1,
            )
        elif progress:
            progress(file.accounted)
    if file.parts == 1 or connection.in_atomic_block:  # in this process (a split file's parts in turn)
        for part in range(file.parts):
            _import_part(
                path,
                file=file,
                source=source,
                part=part,
                now=now,
                chunk_lines=chunk_lines,
                progress=progress,
                on_chunk=on_chunk,
            )
    else:
        _import_forked(
            path, file=file, source=source, now=now, chunk_lines=chunk_lines, progress=progress, on_chunk=on_chunk
        )
    with transaction.atomic():
        file = UsageFile.objects.select_for_update().get(pk=file.pk)
        if file.status == UsageFile.Status.PROCESSING:
            file.status = UsageFile.Status.DONE
            file.finished_at = now
            file.save(update_fields=["status", "finished_at"])
            audit_record(
                actor=actor,
                action="usage.file_imported",
                now=now,
                obj=file,
                details={
                    "source": source.code,
                    "lines": file.lines_read,
                    "loaded": file.loaded,
                    "duplicates": file.duplicates,
                    "quarantined": file.quarantined,
                    "charged": file.charged,
                },
            )
    return file


def _import_part(
    path: Path,
    *,
    file: UsageFile,
    source: UsageSource,
    part: int,
    now: datetime,
    chunk_lines: int,
    progress: Progress | None,
    on_chunk: Callable[[UsageFile], None] | None,
    parent: int | None = None,
) -> None:
    """Import the lines of one part of ``path`` after its checkpoint (all of them when the file
    is not split), a chunk per transaction, parsing the next chunk while PostgreSQL loads this
    one. ``parent``: the supervising process, in a worker; a worker whose parent died stops
    after its current chunk."""
    start_after = file.last_line if file.parts == 1 else _part_checkpoint(file, part)
    catalogue = Catalogue.load()
    with path.open(encoding="utf-8", errors="replace", newline="\n") as handle:
        handle.readline()  # the header, read by the caller
        chunks = _chunks(handle, start_after, chunk_lines, part=part, parts=file.parts)
        with _no_gc():
            chunk = next(chunks, None)
            parsing = parse_chunk(chunk, now=now) if chunk is not None else None
        while chunk is not None:
            ahead: dict[str, Any] = {}

            def read_ahead(ahead: dict[str, Any] = ahead) -> None:
                """Read and parse the next chunk (once), while the server loads this one."""
                if "chunk" not in ahead:
                    following = next(chunks, None)
                    ahead["chunk"] = following
                    ahead["parsing"] = parse_chunk(following, now=now) if following is not None else None

            account_ids = _import_chunk(
                chunk=chunk,
                source=source,
                file=file,
                now=now,
                catalogue=catalogue,
                parsing=parsing,
                meanwhile=read_ahead,
                part=part,
            )
            _guard(account_ids, now)
            if progress:
                progress(len(chunk))
            if on_chunk:
                on_chunk(file)
            if parent is not None and os.getppid() != parent:
                log.warning("usage import of %s, part %s: the supervisor is gone, stopping", file.name, part)
                return
            read_ahead()
            chunk, parsing = ahead["chunk"], ahead["parsing"]


def _fresh_connections() -> None:
    """In a forked worker: new connection objects, none of the parent's. The parent closed its
    own, but a wrapper made in another context (an async one, a thread's) could still hold a
    socket the parent uses; a worker must never speak on it."""
    from asgiref.local import Local

    connections._connections = Local(connections.thread_critical)  # type: ignore[attr-defined]


PROGRESS_SECONDS = 0.2
TOUCH_SECONDS = 5.0


def _import_forked(
    path: Path,
    *,
    file: UsageFile,
    source: UsageSource,
    now: datetime,
    chunk_lines: int,
    progress: Progress | None,
    on_chunk: Callable[[UsageFile], None] | None,
) -> None:
    """Run each part of a split import in a forked worker process with its own connection, and
    wait for all of them, passing their progress on. Fork, not spawn: a worker starts in
    milliseconds with Django set up. Raises ``UsageImportError`` if a worker failed (the others
    finish their parts: what they committed is whole)."""
    done = multiprocessing.Value("q", 0)  # lines done by all workers (shared memory)

    def count(lines: int) -> None:
        with done.get_lock():
            done.value += lines

    connections.close_all()  # a worker opens its own connections, never shares the parent's socket
    parent = os.getpid()
    # Every worker holds the pipe's write end until it exits: the read end's end-of-file wakes
    # the parent the moment the last worker is done.
    ended_r, ended_w = os.pipe()
    running: dict[int, int] = {}
    # The parent's objects go into the collector's permanent generation while forking: a worker's
    # collections then walk only its own objects, not the whole inherited heap (that walk made a
    # worker's first chunk half as slow again). The parent unfreezes once its workers exist.
    gc.freeze()
    try:
        for part in range(file.parts):
            pid = os.fork()
            if pid == 0:  # the worker: never returns into the caller's code
                os.close(ended_r)
                _fresh_connections()
                code = 1
                try:
                    _import_part(
                        path,
                        file=file,
                        source=source,
                        part=part,
                        now=now,
                        chunk_lines=chunk_lines,
                        progress=count,
                        on_chunk=None,
                        parent=parent,
                    )
                    code = 0
                except BaseException:
                    log.exception("usage import of %s, part %s, failed", file.name, part)
                finally:
                    try:
                        connections.close_all()
                    finally:
                        os._exit(code)
            running[pid] = part
    finally:
        gc.unfreeze()
    os.close(ended_w)
    connection.ensure_connection()  # the parent's own, for the file's last transaction: opened meanwhile
    reported = 0
    touched = time.monotonic()
    try:
        while True:
            readable, _w, _x = select.select([ended_r], [], [], PROGRESS_SECONDS)
            if progress and done.value > reported:
                progress(done.value - reported)
                reported = done.value
            if readable and not os.read(ended_r, 1):
                break  # end of file: every worker has exited
            if on_chunk and time.monotonic() - touched > TOUCH_SECONDS:
                on_chunk(file)
                touched = time.monotonic()
    finally:
        os.close(ended_r)
    failed = [part for pid, part in running.items() if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
    if failed:
        raise UsageImportError(
            f"usage import of {file.name}: part(s) {', '.join(str(p + 1) for p in sorted(failed))} of "
            f"{file.parts} failed (see the log); importing the file again resumes from the checkpoints"
        )


def _import_chunk(
    *,
    chunk: list[tuple[int, str]],
    source: UsageSource,
    file: UsageFile,
    now: datetime,
    catalogue: Catalogue,
    parsing: Parsing | None = None,
    meanwhile: Callable[[], None] | None = None,
    part: int = 0,
) -> set[int]:
    """One chunk in one transaction, retried whole if a concurrent batch got in the way."""
    for attempt in range(1, RETRIES + 1):
        try:
            with transaction.atomic(), _no_gc():
                return _import_chunk_once(
                    chunk=chunk,
                    source=source,
                    file=file,
                    now=now,
                    catalogue=catalogue,
                    parsing=parsing,
                    meanwhile=meanwhile,
                    part=part,
                )
        except (IntegrityError, OperationalError):
            if attempt == RETRIES or connection.in_atomic_block:
                raise
            log.warning("usage chunk of %s retried after a conflict (attempt %s)", file.name, attempt)
    return set()  # pragma: no cover - the loop returns or raises


@contextmanager
def _no_gc() -> Iterator[None]:
    """A chunk makes some hundred thousand small objects that all live until its end; the cyclic
    garbage collector would scan them again and again (a third of the time). Reference counting
    still frees everything; the collector runs again after the chunk."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import_chunk_once(
    *,
    chunk: list[tuple[int, str]],
    source: UsageSource,
    file: UsageFile,
    now: datetime,
    catalogue: Catalogue,
    parsing: Parsing | None,
    meanwhile: Callable[[], None] | None,
    part: int = 0,
) -> set[int]:
    storage.defer_flush()
    if file.parts == 1:
        UsageSource.objects.select_for_update().filter(pk=source.pk).first()  # one writer per source
        locked = UsageFile.objects.select_for_update().get(pk=file.pk)
        if locked.last_line >= chunk[-1][0]:
            return set()  # another run of the same file did this chunk meanwhile
    else:
        # One writer per source and part (a part's numbers), not per source: the parts run side
        # by side. The file's row is only updated at the end, never held while loading.
        storage.lock_part(source.pk, part)
        if _part_checkpoint(file, part) >= chunk[-1][0]:
            return set()  # another run of the same file did this chunk meanwhile
    number = (
        UsageBatch.objects.filter(file=file, part=part).order_by("-number").values_list("number", flat=True).first()
        or 0
    ) + 1
    result = process_chunk(
        lines=chunk,
        source=source,
        file=file,
        batch_number=number,
        now=now,
        catalogue=catalogue,
        parsing=parsing,
        meanwhile=meanwhile,
        part=part,
    )
    raws = dict(chunk)
    QuarantinedLine.objects.bulk_create(
        [
            QuarantinedLine(
                file=file,
                line_no=line_no,
                raw=_clean(raws[line_no]),
                reason=verdict[0],
                message=_clean(verdict[1])[:255],
                created_at=now,
            )
            for line_no, verdict in sorted(result.outcome.items())
            if isinstance(verdict, tuple)
        ]
    )
    UsageFile.objects.filter(pk=file.pk).update(
        loaded=F("loaded") + result.loaded,
        duplicates=F("duplicates") + result.duplicates,
        quarantined=F("quarantined") + result.quarantined,
        charged=F("charged") + result.charged,
        last_line=chunk[-1][0] if file.parts == 1 else Greatest(F("last_line"), Value(chunk[-1][0])),
    )
    if file.parts == 1:
        file.last_line = chunk[-1][0]
    return result.account_ids


def quarantine_reprocess(*, line_ids: Sequence[int], actor: Actor, now: datetime) -> dict[str, int]:
    """Try the open quarantined lines again (after the number was added, for instance): the ones
    that now rate are loaded, the ones already stored become duplicates, the others stay with
    their new reason. Returns counts per outcome."""
    totals = {"loaded": 0, "duplicate": 0, "open": 0}
    account_ids: set[int] = set()
    catalogue = Catalogue.load()
    with transaction.atomic():
        lines = list(
            QuarantinedLine.objects.select_for_update(of=("self",))
            .select_related("file__source")
            .filter(pk__in=line_ids, status=QuarantinedLine.Status.OPEN)
            .order_by("file_id", "line_no")
        )
        by_file: dict[int, list[QuarantinedLine]] = {}
        for line in lines:
            by_file.setdefault(line.file_id, []).append(line)
        for file_lines in by_file.values():
            file = UsageFile.objects.select_for_update().get(pk=file_lines[0].file_id)
            if file.source is None or file.source_id is None:
                continue
            UsageSource.objects.select_for_update().filter(pk=file.source_id).first()
            if file.parts > 1:  # a split import may still be running: its part 0 writes batches too
                storage.lock_part(file.source_id, 0)
            number = (
                UsageBatch.objects.filter(file=file, part=0)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
                or 0
            ) + 1
            result = process_chunk(
                lines=[(line.line_no, line.raw) for line in file_lines],
                source=file.source,
                file=file,
                batch_number=number,
                now=now,
                catalogue=catalogue,
            )
            account_ids |= result.account_ids
            resolved = 0
            for line in file_lines:
                verdict = result.outcome[line.line_no]
                line.attempts += 1
                if verdict == "loaded":
                    line.status = QuarantinedLine.Status.LOADED
                    line.resolved_at = now
                    resolved += 1
                elif verdict == "duplicate":
                    line.status = QuarantinedLine.Status.DUPLICATE
                    line.resolved_at = now
                    resolved += 1
                else:
                    line.reason, line.message = verdict[0], _clean(verdict[1])[:255]
                totals[str(line.status)] += 1
            QuarantinedLine.objects.bulk_update(file_lines, ["status", "resolved_at", "attempts", "reason", "message"])
            UsageFile.objects.filter(pk=file.pk).update(
                loaded=F("loaded") + result.loaded,
                duplicates=F("duplicates") + result.duplicates,
                quarantined=F("quarantined") - resolved,
                charged=F("charged") + result.charged,
            )
        audit_record(actor=actor, action="usage.quarantine_reprocessed", now=now, details=dict(totals))
    _guard(account_ids, now)
    return totals


def quarantine_dismiss(*, line_ids: Sequence[int], actor: Actor, now: datetime) -> int:
    """Staff decide a line will never be rated (a test call, a partner's error): it stays in the
    quarantine, counted, marked dismissed."""
    with transaction.atomic():
        count = QuarantinedLine.objects.filter(pk__in=line_ids, status=QuarantinedLine.Status.OPEN).update(
            status=QuarantinedLine.Status.DISMISSED, resolved_at=now
        )
        audit_record(actor=actor, action="usage.quarantine_dismissed", now=now, details={"lines": count})
    return count


# --- The inbox the worker watches -------------------------------------------------------------


def usage_dir() -> Path:
    return Path(getattr(settings, "ISSA_USAGE_DIR", settings.VAR_DIR / "usage"))


def inbox_dirs() -> dict[str, Path]:
    base = usage_dir()
    dirs = {name: base / name for name in ("inbox", "processing", "processed", "failed")}
    for folder in dirs.values():
        folder.mkdir(parents=True, exist_ok=True)
    return dirs


STALE_CLAIM = timedelta(minutes=10)


def _move(path: Path, folder: Path) -> Path:
    target = folder / path.name
    if target.exists():
        stem = datetime.now().strftime("%Y%m%d%H%M%S%f")  # noqa: DTZ005 - only a unique file name
        target = folder / f"{stem}-{path.name}"
    shutil.move(str(path), target)
    return target


def _toucher(path: Path) -> Callable[[UsageFile], None]:
    """Keep a claim fresh: the file's modification time says its worker is alive."""

    def touch(_file: UsageFile) -> None:
        os.utime(path)

    return touch


def inbox_poll(*, now: datetime, actor: Actor | None = None, limit: int = 100) -> list[UsageFile]:
    """Import every file waiting in the inbox, oldest first, and move it to ``processed/`` (or
    ``failed/`` when its header cannot be read). A file is claimed by renaming it into
    ``processing/``, which only one worker can do; a claim untouched for 10 minutes (a killed
    worker) goes back to the inbox and its import resumes from its checkpoint."""
    actor = actor or Actor.system("usage inbox")
    dirs = inbox_dirs()
    wall = datetime.now().timestamp()  # noqa: DTZ005 - compared with file modification times
    for stuck in dirs["processing"].iterdir():
        if stuck.is_file() and wall - stuck.stat().st_mtime > STALE_CLAIM.total_seconds():
            try:
                os.replace(stuck, dirs["inbox"] / stuck.name)
            except FileNotFoundError:
                continue
    waiting = sorted(
        (p for p in dirs["inbox"].iterdir() if p.is_file() and not p.name.startswith(".")),
        key=lambda p: (p.stat().st_mtime, p.name),
    )
    imported = []
    for path in waiting[:limit]:
        claimed = dirs["processing"] / path.name
        try:
            os.replace(path, claimed)
        except FileNotFoundError:
            continue  # another worker claimed it
        os.utime(claimed)
        file = usage_import_file(claimed, now=now, actor=actor, on_chunk=_toucher(claimed))
        _move(claimed, dirs["failed"] if file.status == UsageFile.Status.FAILED else dirs["processed"])
        imported.append(file)
    return imported
