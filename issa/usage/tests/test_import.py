"""BSS-2: usage files are imported idempotently, every line is accounted for, bad lines wait in
the quarantine, and an interrupted import finishes on the next run with nothing doubled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from issa.billing.models import LedgerEntry
from issa.billing.selectors import account_balance
from issa.rating.models import AllowanceUsage
from issa.testing.factories import subscriber_with_balance
from issa.usage.models import QuarantinedLine, UsageBatch, UsageFile, UsageRecord
from issa.usage.services import quarantine_dismiss, quarantine_reprocess, usage_import_file

from .helpers import ACTOR, MIN, import_lines, line, priced_plan, write_file

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # 12:00 in Minsk
T0 = datetime(2026, 11, 10, 7, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sub():
    terms = priced_plan(valid_from=datetime(2026, 1, 1, tzinfo=UTC), voice_seconds=0, sms=0, data_bytes=0)
    return subscriber_with_balance(10_000, plan=terms.plan, now=datetime(2026, 11, 1, tzinfo=UTC))


def calls(sub, ids, minutes=1):
    # offnet calls at 0.20 BYN/min: 20 kopecks a minute
    return [
        line(f"c{i}", sub.msisdn, "voice", T0 + timedelta(minutes=i), minutes * MIN, destination="offnet") for i in ids
    ]


def test_bss_2_file_imported_twice_rates_nothing_twice(tmp_path, sub):
    first = import_lines(tmp_path, calls(sub, range(10)), now=NOW)
    second = import_lines(tmp_path, calls(sub, range(10)), now=NOW, name="again.cdr")
    assert (first.loaded, first.duplicates, first.quarantined) == (10, 0, 0)
    assert (second.loaded, second.duplicates, second.quarantined) == (0, 10, 0)
    assert first.status == second.status == UsageFile.Status.DONE
    assert UsageRecord.objects.count() == 10
    assert account_balance(account_id=sub.account_id) == 10_000 - 10 * 20
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.USAGE).count() == 1


def test_bss_2_overlapping_files_load_only_the_new_records(tmp_path, sub):
    import_lines(tmp_path, calls(sub, range(6)), now=NOW, name="a.cdr")
    second = import_lines(tmp_path, calls(sub, range(4, 10)), now=NOW, name="b.cdr")
    assert (second.lines_read, second.loaded, second.duplicates) == (6, 4, 2)
    assert UsageRecord.objects.count() == 10
    assert account_balance(account_id=sub.account_id) == 10_000 - 10 * 20


def test_bss_2_duplicate_within_one_file_is_counted_once(tmp_path, sub):
    lines = calls(sub, [1, 2]) + calls(sub, [1])
    result = import_lines(tmp_path, lines, now=NOW)
    assert (result.lines_read, result.loaded, result.duplicates) == (3, 2, 1)


def test_bss_2_same_record_id_from_another_source_is_another_record(tmp_path, sub):
    import_lines(tmp_path, calls(sub, [1]), now=NOW, source="MSC1")
    other = import_lines(tmp_path, calls(sub, [1]), now=NOW, source="MSC2", name="b.cdr")
    assert other.loaded == 1
    assert UsageRecord.objects.count() == 2


def test_bss_2_bad_lines_are_quarantined_with_reason_and_the_good_ones_rated(tmp_path, sub):
    good = calls(sub, [1, 2])
    bad = [
        line("u1", "375299999999", "voice", T0, 60, destination="offnet"),  # unknown number
        line("b1", sub.msisdn, "fax", T0, 60),  # broken field: kind
        f"t1|{sub.msisdn}|voice|2026-11-31T10:00:00+03:00|60|out|375291112233|offnet|||0|0",  # no 31 Nov
        f"t2|{sub.msisdn}|voice|2026-11-10T10:00:00|60|out|375291112233|offnet|||0|0",  # no zone
        line("t3", sub.msisdn, "voice", NOW + timedelta(days=2), 60, destination="offnet"),  # future
        "garbage without separators",
        line("n1", sub.msisdn, "voice", datetime(2024, 12, 1, tzinfo=UTC), 60, destination="offnet"),  # too old
    ]
    result = import_lines(tmp_path, good + bad, now=NOW)
    assert (result.lines_read, result.loaded, result.duplicates, result.quarantined) == (9, 2, 0, 7)
    assert result.accounted == result.lines_read
    reasons = dict(QuarantinedLine.objects.values_list("line_no", "reason"))
    assert reasons == {
        4: "unknown_number",
        5: "broken_field",
        6: "impossible_time",
        7: "impossible_time",
        8: "impossible_time",
        9: "broken_field",
        10: "impossible_time",
    }
    unknown = QuarantinedLine.objects.get(line_no=4)
    assert unknown.raw == bad[0]
    assert "375299999999" in unknown.message
    assert account_balance(account_id=sub.account_id) == 10_000 - 2 * 20


def test_bss_2_quarantine_reprocessed_after_the_number_is_added(tmp_path, sub):
    from issa.testing.factories import SubscriberFactory

    lines = [line("u1", "375299999999", "voice", T0, 120, destination="offnet"), "broken"]
    result = import_lines(tmp_path, lines, now=NOW)
    assert result.quarantined == 2
    ids = list(QuarantinedLine.objects.order_by("line_no").values_list("id", flat=True))

    totals = quarantine_reprocess(line_ids=ids, actor=ACTOR, now=NOW)  # nothing changed yet
    assert totals == {"loaded": 0, "duplicate": 0, "open": 2}
    assert UsageRecord.objects.count() == 0

    newcomer = SubscriberFactory(msisdn="375299999999", plan=sub.plan)
    totals = quarantine_reprocess(line_ids=ids, actor=ACTOR, now=NOW)
    assert totals == {"loaded": 1, "duplicate": 0, "open": 1}
    record = UsageRecord.objects.get()
    assert (record.subscriber_id, record.charge, record.line_no) == (newcomer.pk, 40, 2)
    assert account_balance(account_id=newcomer.account_id) == -40
    file = UsageFile.objects.get()
    assert (file.loaded, file.quarantined, file.accounted, file.lines_read) == (1, 1, 2, 2)
    first, second = QuarantinedLine.objects.order_by("line_no")
    assert (first.status, first.attempts) == ("loaded", 2)
    assert (second.status, second.attempts) == ("open", 2)

    assert quarantine_reprocess(line_ids=ids, actor=ACTOR, now=NOW) == {"loaded": 0, "duplicate": 0, "open": 1}
    assert UsageRecord.objects.count() == 1
    assert quarantine_dismiss(line_ids=ids, actor=ACTOR, now=NOW) == 1
    assert QuarantinedLine.objects.filter(status="open").count() == 0


def test_bss_2_file_without_header_fails_whole_and_loads_nothing(tmp_path, sub):
    path = tmp_path / "nohead.cdr"
    path.write_text("\n".join(calls(sub, [1, 2])) + "\n")
    result = usage_import_file(path, now=NOW, actor=ACTOR)
    assert result.status == UsageFile.Status.FAILED
    assert "first line" in result.error
    assert UsageRecord.objects.count() == 0


class Killed(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_bss_2_killed_import_resumes_and_doubles_nothing(tmp_path, sub):
    lines = [*calls(sub, range(25)), "broken"]
    path = write_file(tmp_path / "big.cdr", lines)
    seen = []

    def kill_after_second_chunk(file):
        seen.append(file.last_line)
        if len(seen) == 2:
            raise Killed

    with pytest.raises(Killed):
        # one process: ``on_chunk`` runs after each chunk (a split import calls it every few seconds)
        usage_import_file(path, now=NOW, actor=ACTOR, chunk_lines=10, on_chunk=kill_after_second_chunk, workers=1)
    file = UsageFile.objects.get()
    assert (file.status, file.loaded, file.last_line) == ("processing", 20, 21)
    assert account_balance(account_id=sub.account_id) == 10_000 - 20 * 20

    again = usage_import_file(path, now=NOW, actor=ACTOR, chunk_lines=10)
    assert again.pk == file.pk
    assert (again.status, again.loaded, again.duplicates, again.quarantined, again.lines_read) == ("done", 25, 0, 1, 26)
    assert UsageRecord.objects.count() == 25
    assert UsageBatch.objects.filter(file=file).count() == 3
    assert account_balance(account_id=sub.account_id) == 10_000 - 25 * 20
    assert AllowanceUsage.objects.count() == 0


def test_bss_2_hostile_lines_are_quarantined_not_crashing(tmp_path, sub):
    lines = [
        f"x1|{sub.msisdn}|voice|2026-11-10T10:00:00+03:00|{'9' * 5000}|out|375291112233|offnet|||0|0",
        f"x2|{sub.msisdn}|voice|2026-11-10T10:00:00+03:00|60|out|37529\x00111|offnet|||0|0",
        f"x3|{sub.msisdn}|voice|2026-11-10T10:00:00+03:00|60|out|3752\\9111|offnet|||0|0",
        f"x4|{sub.msisdn}|voice|99999-11-10T10:00:00+03:00|60|out|375291112233|offnet|||0|0",
        *calls(sub, [1]),
    ]
    result = import_lines(tmp_path, lines, now=NOW)
    assert (result.lines_read, result.loaded, result.quarantined) == (5, 1, 4)
    assert all("\x00" not in q.raw + q.message for q in QuarantinedLine.objects.all())
