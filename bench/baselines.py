"""Baselines: what the platform itself does on this machine, measured in the same run as our
figures, so that each of ours is read as a ratio (``make bench`` reports both).

Helpers for other benchmark modules (``bench/login.py``, ``bench/usage_ingest.py``):

- ``argon2_verify_seconds()``: one Argon2id verification with our hasher's parameters.
- ``copy_rows_per_second(n)``: raw ``COPY … FROM STDIN`` of ``n`` CDR-like rows into a bare
  PostgreSQL table (no index, no constraint, no trigger): the ceiling for usage ingestion.
- ``bare_view_requests_per_second()``: a view that returns "ok" through the full middleware stack
  (Django's test client, no network); ``bare_view_http_requests_per_second()`` the same over a
  real HTTP socket on 127.0.0.1.
- ``cdr_like_lines(n)``: the rows that the COPY baseline loads (tab-separated text lines).
- ``bench_pg_url()``: the PostgreSQL database the benchmarks may use (created if missing).
"""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import override_settings
from django.urls import path

from bench.harness import Figure, median, timed

# Keys by which other modules name a baseline in Figure.baseline.
BARE_VIEW_RPS = "bare_view_rps"
BARE_VIEW_HTTP_RPS = "bare_view_http_rps"
ARGON2_VERIFY_MS = "argon2_verify_ms"
PG_COPY_ROWS_PER_S = "pg_copy_rows_per_s"

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/issa_bench"
COPY_ROWS = 1_000_000
COPY_COLUMNS = "record_id, file_name, msisdn, other_party, kind, started_at, duration_s, volume_bytes, cell_id"


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bare", bare_view)]  # ROOT_URLCONF for the bare-view baselines


# --- A bare Django view -----------------------------------------------------------------------
def bare_view_requests_per_second(*, max_requests: int = 5000, max_seconds: float = 5.0) -> float:
    """Requests per second of a view that returns "ok", through every middleware, test client."""
    client = Client()
    with override_settings(ROOT_URLCONF="bench.baselines"):
        assert client.get("/bare").status_code == 200
        count = 0
        started = time.perf_counter()
        deadline = started + max_seconds
        while count < max_requests and time.perf_counter() < deadline:
            client.get("/bare")
            count += 1
        return count / (time.perf_counter() - started)


def bare_view_http_requests_per_second(*, max_requests: int = 2000, max_seconds: float = 5.0) -> float:
    """The same view over HTTP/1.1 on 127.0.0.1 (wsgiref, one thread, a new connection each time)."""
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

    with override_settings(ROOT_URLCONF="bench.baselines"):
        server = make_server(
            "127.0.0.1", 0, get_wsgi_application(), server_class=WSGIServer, handler_class=QuietHandler
        )
        port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        thread.start()
        try:
            count = 0
            started = time.perf_counter()
            deadline = started + max_seconds
            while count < max_requests and time.perf_counter() < deadline:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/bare", headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status != 200:
                    raise RuntimeError(f"bare view answered {response.status}")
                count += 1
            return count / (time.perf_counter() - started)
        finally:
            server.shutdown()
            server.server_close()


# --- Argon2id --------------------------------------------------------------------------------
def argon2_verify_seconds(*, repeats: int = 9, max_seconds: float = 10.0) -> float:
    """Median seconds of one password verification with our hasher (Argon2id m=19 MiB t=2 p=1)."""
    from issa.identity.hashers import Argon2idOwaspHasher

    hasher = Argon2idOwaspHasher()
    encoded = hasher.encode("Bench-password-1", hasher.salt())
    assert hasher.verify("Bench-password-1", encoded)
    return median(timed(lambda: hasher.verify("Bench-password-1", encoded), repeats=repeats, max_seconds=max_seconds))


# --- PostgreSQL COPY --------------------------------------------------------------------------
def bench_pg_url() -> str:
    """The benchmarks' own PostgreSQL database (``ISSA_BENCH_PG_URL``), created when missing."""
    import psycopg

    url = os.environ.get("ISSA_BENCH_PG_URL", DEFAULT_PG_URL)
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url


def cdr_like_lines(n: int, *, file_name: str = "bench-0001.cdr") -> Iterator[str]:
    """``n`` CDR-like rows as COPY text lines (tab-separated), deterministic."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    kinds = ("voice", "sms", "data", "mms")
    for i in range(n):
        kind = kinds[i % 4]
        moment = (start + timedelta(seconds=i * 7)).isoformat()
        duration = (i * 37) % 3600 if kind == "voice" else 0
        volume = (i * 7919) % 50_000_000 if kind == "data" else 0
        yield (
            f"{i}\t{file_name}\t37529{(i * 7) % 10_000_000:07d}\t37533{(i * 13) % 10_000_000:07d}\t{kind}\t"
            f"{moment}\t{duration}\t{volume}\t{i % 5000}\n"
        )


def copy_rows_per_second(n: int = COPY_ROWS, *, url: str | None = None) -> float:
    """Rows per second of a raw COPY of ``n`` CDR-like rows into a bare table, commit included.

    The text is prepared before the clock starts: this measures the server, not Python.
    """
    import psycopg

    url = url or bench_pg_url()
    payload = io.StringIO()
    payload.writelines(cdr_like_lines(n))
    data = payload.getvalue().encode()
    chunk = 1 << 20
    with psycopg.connect(url, connect_timeout=5) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy_cdr")
        conn.execute(
            "CREATE TABLE bench_copy_cdr (record_id bigint, file_name text, msisdn text, other_party text, "
            "kind text, started_at timestamptz, duration_s integer, volume_bytes bigint, cell_id integer)"
        )
        conn.commit()
        try:
            started = time.perf_counter()
            with conn.cursor() as cur, cur.copy(f"COPY bench_copy_cdr ({COPY_COLUMNS}) FROM STDIN") as copy:
                for offset in range(0, len(data), chunk):
                    copy.write(data[offset : offset + chunk])
            conn.commit()
            elapsed = time.perf_counter() - started
            (count,) = conn.execute("SELECT count(*) FROM bench_copy_cdr").fetchone() or (0,)
            if count != n:
                raise RuntimeError(f"COPY loaded {count} rows, expected {n}")
        finally:
            with contextlib.suppress(Exception):
                conn.rollback()
            conn.execute("DROP TABLE IF EXISTS bench_copy_cdr")
            conn.commit()
    return n / elapsed


# --- The harness's entry point --------------------------------------------------------------
def run(quick: bool) -> list[Figure]:
    """Every baseline as a Figure with its key; a failing baseline is reported, not fatal."""
    rows = 20_000 if quick else COPY_ROWS
    figures = [
        Figure(
            "baseline",
            "bare Django view, test client, all middleware",
            bare_view_requests_per_second(max_requests=200 if quick else 5000),
            "req/s",
            higher_is_better=True,
            key=BARE_VIEW_RPS,
        ),
        Figure(
            "baseline",
            "bare Django view over HTTP on 127.0.0.1 (wsgiref, 1 thread, new connection per request)",
            bare_view_http_requests_per_second(max_requests=100 if quick else 2000),
            "req/s",
            higher_is_better=True,
            key=BARE_VIEW_HTTP_RPS,
        ),
        Figure(
            "baseline",
            "one Argon2id verification (m=19 MiB, t=2, p=1)",
            argon2_verify_seconds(repeats=3 if quick else 9) * 1000,
            "ms",
            higher_is_better=False,
            key=ARGON2_VERIFY_MS,
        ),
    ]
    figures.append(
        Figure(
            "baseline",
            f"raw COPY of {rows:,} CDR-like rows into a bare PostgreSQL table".replace(",", " "),
            copy_rows_per_second(rows),
            "rows/s",
            higher_is_better=True,
            key=PG_COPY_ROWS_PER_S,
        )
    )
    return figures
