"""The benchmark harness: discovery, the figures' shape, machine facts, the Markdown report.

Contract for a benchmark module ``bench/<name>.py`` (others plug in without editing this file)::

    from bench.harness import Figure
    from bench import baselines

    def run(quick: bool) -> list[Figure]:
        seconds = ...  # measure, with loops bounded in count and time
        return [Figure("login", "password login, one request", seconds * 1000, "ms",
                       higher_is_better=False, baseline=baselines.ARGON2_VERIFY_MS)]

``quick`` asks for a short run (the harness's own test uses it): small sizes, same code paths.
Modules run in name order after the baselines, in the same process, with Django set up; a
module that needs a database of its own uses ``bench.harness.scratch_database()``.
"""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
SKIP_MODULES = {"__init__", "__main__", "harness", "baselines"}


@dataclass
class Figure:
    """One measured number. ``baseline`` names a baseline figure (``bench.baselines.*``)."""

    bench: str
    name: str
    value: float
    unit: str
    higher_is_better: bool
    baseline: str = ""
    note: str = ""
    key: str = ""  # set for the baselines themselves, so that others can name them

    def ratio_to(self, base: Figure) -> float | None:
        if not base.value:
            return None
        return self.value / base.value


def discover() -> list[str]:
    """Benchmark module names in ``bench/``, in name order (the baselines run first, apart)."""
    return sorted(
        path.stem
        for path in BENCH_DIR.glob("*.py")
        if path.stem not in SKIP_MODULES and not path.stem.startswith(("_", "test_"))
    )


def timed(func: Callable[[], Any], *, repeats: int, max_seconds: float) -> list[float]:
    """Wall time of ``func`` for up to ``repeats`` calls, stopping after ``max_seconds``."""
    samples: list[float] = []
    deadline = time.perf_counter() + max_seconds
    for _ in range(repeats):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
        if time.perf_counter() > deadline:
            break
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)


@contextlib.contextmanager
def scratch_database() -> Iterator[None]:
    """A fresh, migrated test database (``test_`` prefix) for the block; the demo data is untouched."""
    from django.test.utils import setup_databases, teardown_databases

    config = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        yield
    finally:
        teardown_databases(config, verbosity=0)


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    load = "?"
    with contextlib.suppress(OSError):
        load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    import django

    postgres = "not reachable"
    with contextlib.suppress(Exception):
        import psycopg

        from bench.baselines import bench_pg_url

        with psycopg.connect(bench_pg_url(), connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            postgres = str(row[0]) if row else "?"
    return {
        "CPU": cpu,
        "cores (nproc)": str(os.cpu_count()),
        "memory": memory,
        "load average at start (1, 5, 15 min)": load,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "PostgreSQL (127.0.0.1)": postgres,
    }


def _fmt(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}".replace(",", " ")
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.4f}"


def render(
    *,
    figures: list[Figure],
    baselines: dict[str, Figure],
    facts: dict[str, str],
    command: str,
    started: datetime,
    seconds: float,
    errors: list[str],
) -> str:
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`python -m bench`); do not edit by hand, run it again. Each",
        "figure is set beside a baseline measured in the same run on the same machine, so that the",
        "ratio, not the absolute number, tells whether our code is close to what the platform can do.",
        "The machine is shared (2 cores): read small differences between runs as noise.",
        "",
        f"- Date: {started.strftime('%Y-%m-%d %H:%M UTC')} (run took {seconds:.0f} s)",
        f"- Command: `{command}`",
    ]
    lines += [f"- {name}: {value}" for name, value in facts.items()]
    lines += [
        "",
        "## Baselines",
        "",
        "| Baseline | Value | Unit | Note |",
        "|---|---:|---|---|",
    ]
    lines += [f"| {b.name} | {_fmt(b.value)} | {b.unit} | {b.note} |" for b in baselines.values()]
    lines += [
        "",
        "## Figures",
        "",
        "| Benchmark | Measure | Value | Unit | Baseline | Ratio to baseline | Note |",
        "|---|---|---:|---|---|---:|---|",
    ]
    for fig in figures:
        base = baselines.get(fig.baseline)
        ratio = fig.ratio_to(base) if base else None
        ratio_text = (f"{ratio:.2f}×" if ratio >= 0.01 else f"{ratio:.2g}×") if ratio is not None else ""
        better = "higher is better" if fig.higher_is_better else "lower is better"
        note = "; ".join(part for part in (better, fig.note) if part)
        lines.append(
            f"| {fig.bench} | {fig.name} | {_fmt(fig.value)} | {fig.unit} | {base.name if base else ''} "
            f"| {ratio_text} | {note} |"
        )
    if not figures:
        lines.append("| (no benchmark module besides the baselines) | | | | | | |")
    if errors:
        lines += ["", "## Failed in this run", ""] + [f"- {error}" for error in errors]
    return "\n".join(lines) + "\n"


def now() -> datetime:
    return datetime.now(tz=UTC)
