"""BSS-3: the batch rater's inlined arithmetic (``BatchRater.rate``, the import's hot path) gives
exactly what the reference charge model ``charges.rate`` gives, record by record: the same
billable units, the same units from allowances in the same order, the same kopecks through
``to_kopecks`` — for any prices, allowances and records (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from issa.rating import charges
from issa.rating.pipeline import AllowanceSpec, BatchRater, Catalogue, PlanVersion, RatingContext, SubscriberView

KINDS = ("voice", "sms", "data")
DESTINATIONS = ("onnet", "home", "roaming_1")
T0 = datetime(2026, 11, 1, tzinfo=UTC)

prices = st.dictionaries(
    st.tuples(st.sampled_from(KINDS), st.sampled_from(DESTINATIONS), st.booleans()),
    st.decimals(min_value=0, max_value=50, places=4),
    max_size=18,
)
allowances = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.sampled_from(((), ("home",), ("onnet", "roaming_1"))),
        st.integers(min_value=0, max_value=20 * 1024 * 1024),
    ),
    max_size=5,
)
records = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.sampled_from(DESTINATIONS),
        st.booleans(),
        st.integers(min_value=0, max_value=50 * 1024 * 1024),
        st.integers(min_value=0, max_value=10_000),  # seconds after T0 (order of rating)
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(
    prices=prices,
    allowances=allowances,
    records=records,
    rounding=st.sampled_from((charges.PER_SECOND, charges.PER_MINUTE)),
    unit_kb=st.sampled_from((1, 100, 1024)),
)
def test_bss_3_rating_fast_path_equals_charges_rate(prices, allowances, records, rounding, unit_kb):
    terms = charges.TermsView(7, rounding, unit_kb)
    specs = [
        AllowanceSpec(("plan", 1, kind, ",".join(dests)), kind, frozenset(dests), quantity, "plan")
        for kind, dests, quantity in allowances
    ]
    price_rows = {key: (n, price) for n, (key, price) in enumerate(prices.items(), start=1)}
    plan = PlanVersion(T0, terms, price_rows, specs)
    sub = SubscriberView(1, 10, "375291234567")
    rater = BatchRater(RatingContext(Catalogue(), {sub.msisdn: sub}, set()))
    period = ("2026-11", "2026-11", False)
    items = [
        (sub, plan, kind, T0 + timedelta(seconds=offset), quantity, dest, outgoing, period)
        for kind, dest, outgoing, quantity, offset in records
    ]
    got: dict[int, tuple[int, int, int]] = {}
    outcome = rater.rate(
        items, emit=lambda i, meta, billable, covered, kopecks: got.__setitem__(i, (billable, covered, kopecks))
    )

    # The reference: charges.rate, record by record in time order, on its own buckets.
    buckets: dict[tuple, charges.Bucket] = {}
    expected: dict[int, tuple[int, int, int]] = {}
    for i in sorted(range(len(items)), key=lambda i: items[i][3]):
        _sub, _plan, kind, _start, quantity, dest, outgoing, _period = items[i]
        price = price_rows.get((kind, dest, outgoing))
        mine = [
            buckets.setdefault(spec.key, charges.Bucket(spec.key, spec.quantity, 0))
            for spec in specs
            if spec.covers(kind, dest)
        ]
        for bucket, spec in zip(mine, [s for s in specs if s.covers(kind, dest)], strict=True):
            bucket.total = spec.quantity
        c = charges.rate(
            kind=kind, quantity=quantity, terms=terms, unit_price=price[1] if price else None, buckets=mine
        )
        expected[i] = (c.billable, c.from_allowances, c.kopecks)
    assert got == expected
    assert outcome.charged == sum(k for _, _, k in expected.values())
    fast = {b.key: b.used for b in rater._buckets.values()}
    reference = {key: b.used for key, b in buckets.items()}
    assert all(fast.get(key, 0) == reference.get(key, 0) for key in fast.keys() | reference.keys())
