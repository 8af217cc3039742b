"""BSS-2: the import parses a chunk of lines column by column (``format.parse_lines_between``);
for any mix of good and bad lines it gives exactly what ``parse_line_between`` gives line by line:
the same records (every field equal) and the same verdict, reason and message for each bad line
(hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from issa.usage import format as fmt

NOW = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
EARLIEST, LATEST = NOW - timedelta(days=93), NOW + fmt.FUTURE_TOLERANCE

GOOD = {
    "record_id": st.from_regex(r"\A[A-Za-z0-9._:-]{1,12}\Z"),
    "msisdn": st.sampled_from(("375291234567", "+375291234567", "375441112233", "37529123456789")),
    "kind": st.sampled_from(("voice", "sms", "mms", "data")),
    "start": st.sampled_from(
        (
            "2026-11-05T14:03:22+03:00",
            "2026-11-05T11:03:22Z",
            "2026-11-05T11:03:22+00:00",
            "2026-10-31T23:59:59.500000+03:00",
            "2026-09-01T00:00:00-05:00",
            "2026-11-30T23:04:59+03:00",
        )
    ),
    "amount": st.just(""),  # by kind: AMOUNTS
    "direction": st.sampled_from(("out", "in")),
    "other_party": st.sampled_from(("", "375447654321", "x" * 32)),
    "destination": st.sampled_from(("onnet", "offnet", "home", "roaming_1", "intl_cis")),
    "service": st.sampled_from(("", "internet", "s" * 64)),
    "domain": st.sampled_from(("", "news.example.by", "d" * 253)),
    "up_bytes": st.sampled_from(("0", "1", "758084", "1099511627776")),
    "down_bytes": st.sampled_from(("0", "13645519", "0000000000000000001")),
}
AMOUNTS = {
    "voice": st.sampled_from(("0", "60", "125", "00061", "86400")),
    "sms": st.sampled_from(("1", "2", "100", "01")),
    "mms": st.sampled_from(("1", "3")),
    "data": st.sampled_from(("0", "2494", "86400")),
}
# Good lines that the column checks leave to the line-by-line parser (the verdict is the same).
ODD = {
    "amount": st.just(""),  # no amount: one SMS, a data session of 0 s; a call: refused
    "up_bytes": st.sampled_from(("", "abc")),  # ignored for SMS and MMS, empty is 0 otherwise
    "down_bytes": st.just(""),
}
BAD = {
    "record_id": st.sampled_from(("", "r 1", "r\\1", "é", "r" * 65, "r|x")),
    "msisdn": st.sampled_from(("3752912", "++375291234567", "37529123456a", "٣٧٥٢٩١٢٣٤٥٦٧", "3" * 16)),
    "kind": st.sampled_from(("fax", "", "VOICE")),
    "start": st.sampled_from(
        (
            "2026-02-30T10:00:00+03:00",
            "2026-11-05T14:03:22",
            "2026-11-05",
            "yesterday",
            "2027-01-01T00:00:00+03:00",
            "2025-01-01T00:00:00+03:00",
            "2026-11-30T23:05:01+03:00",
            "2026-W45-3T10:00:00+03:00",
        )
    ),
    "amount": st.sampled_from(("sixty", "-1", "86401", "101", "1_0", " 60", "0" * 20, "²")),
    "direction": st.sampled_from(("both", "", "OUT")),
    "other_party": st.sampled_from(("x" * 33, "a\tb", "a\x00b")),
    "destination": st.sampled_from(("mars", "")),
    "service": st.sampled_from(("s" * 65,)),
    "domain": st.sampled_from(("d" * 254, "back\\slash")),
    "up_bytes": st.sampled_from(("abc", "1099511627777", "-5", "1" * 20)),
    "down_bytes": st.sampled_from(("x", "99999999999999999999")),
}


@st.composite
def lines(draw: st.DrawFn, *, bad: bool) -> str:
    fields = {name: draw(strategy) for name, strategy in GOOD.items()}
    fields["amount"] = draw(AMOUNTS[fields["kind"]])
    if draw(st.integers(min_value=0, max_value=29)) == 0:
        name = draw(st.sampled_from(list(ODD)))
        fields[name] = draw(ODD[name])
    shape = "plain"
    if bad:
        for name in draw(st.lists(st.sampled_from(list(BAD)), min_size=1, max_size=2, unique=True)):
            fields[name] = draw(BAD[name])
        shape = draw(st.sampled_from(("plain", "crlf", "bare", "short", "long")))
    text = fmt.SEPARATOR.join(fields.values())
    if shape == "short":
        text = text.rsplit(fmt.SEPARATOR, 1)[0]
    elif shape == "long":
        text += "|extra"
    return text + {"crlf": "\r\n", "bare": ""}.get(shape, "\n")


def one_by_one(numbered: list[tuple[int, str]]) -> tuple[list, dict]:
    parsed, errors = [], {}
    for line_no, raw in numbered:
        try:
            parsed.append((line_no, fmt.parse_line_between(raw, earliest=EARLIEST, latest=LATEST)))
        except fmt.LineError as error:
            errors[line_no] = (error.reason, error.text())
    return parsed, errors


def at_once(numbered: list[tuple[int, str]]) -> tuple[list, dict]:
    parsed, errors = fmt.parse_lines_between(numbered, earliest=EARLIEST, latest=LATEST)
    return parsed, {line_no: (error.reason, error.text()) for line_no, error in errors.items()}


@settings(max_examples=150, deadline=None)
@given(
    good=st.lists(lines(bad=False), min_size=0, max_size=150),
    bad=st.lists(st.tuples(st.integers(min_value=0, max_value=150), lines(bad=True)), max_size=6),
    small=st.sampled_from((1, 4, fmt._SMALL)),
)
def test_bss_2_parsing_many_lines_at_once_equals_parsing_them_one_by_one(good, bad, small):
    # given mostly good lines (some good lines are refused too: an SMS of 101 pieces, a call of
    # 86401 s) with a few broken ones among them
    raws = list(good)
    for position, line in bad:
        raws.insert(position, line)
    numbered = list(enumerate(raws, start=2))
    # when they are parsed at once, then it is as if they were parsed one by one
    expected_parsed, expected_errors = one_by_one(numbered)
    with mock.patch.object(fmt, "_SMALL", small):  # blocks down to one line are checked at once
        parsed, errors = at_once(numbered)
    assert parsed == expected_parsed
    assert [r.start.tzinfo for _, r in parsed] == [r.start.tzinfo for _, r in expected_parsed]
    assert errors == expected_errors


def test_bss_2_a_block_of_good_lines_is_parsed_at_once_and_one_bad_line_alone():
    # given a block of 200 good lines with one bad line in it
    good = fmt.format_line(
        record_id="r1", msisdn="375291234567", kind="voice", start=datetime(2026, 11, 5, 11, tzinfo=UTC), amount=60
    )
    numbered = [(n, good.replace("r1", f"r{n}") + "\n") for n in range(2, 202)]
    numbered[150] = (152, "r152|375291234567|fax|2026-11-05T11:00:00+00:00|60|out||onnet|||0|0\n")
    # when it is parsed at once
    parsed, errors = fmt.parse_lines_between(numbered, earliest=EARLIEST, latest=LATEST)
    # then the good lines are records in line order and the bad one is the only error
    assert [n for n, _ in parsed] == [n for n in range(2, 202) if n != 152]
    assert list(errors) == [152]
    assert errors[152].reason == "broken_field"
    assert parsed[0][1].start == datetime(2026, 11, 5, 11, tzinfo=UTC)
    assert parsed[0][1].start_text == "2026-11-05T11:00:00+00:00"


def test_bss_2_a_generated_month_parses_at_once_as_line_by_line():
    # given 5,000 lines of believable usage with a broken line every 97 and some roaming
    from random import Random

    from issa.usage import generator

    numbers = [f"37529{n:07d}" for n in range(50)]
    raws = generator.record_lines(
        msisdns=numbers,
        start=datetime(2026, 11, 1, tzinfo=UTC),
        end=NOW,
        count=5000,
        rng=Random(5),
        roaming=numbers[:5],
        broken_every=97,
    )
    numbered = [(n, raw + "\n") for n, raw in enumerate(raws, start=2)]
    # when parsed at once, then as one by one; and most lines went through the column checks
    expected = one_by_one(numbered)
    with mock.patch.object(fmt, "parse_line_between", wraps=fmt.parse_line_between) as slow:
        assert at_once(numbered) == expected
    assert len(expected[1]) == 5000 // 97
    assert slow.call_count <= 5000 // 97 * fmt._SMALL  # the broken lines' neighbours, not the file
