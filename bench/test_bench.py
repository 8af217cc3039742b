"""The harness measures the baselines and writes a complete report; every module keeps the contract.

No timing is asserted (numbers belong in docs/performance.md, not in tests). The modules' own
measurements run in ``make bench`` (``python -m bench --quick`` for a short run), not in the
suite: some take minutes even when quick."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench import harness

ROOT = Path(__file__).resolve().parent.parent


def test_every_bench_module_has_the_run_contract():
    import importlib
    import inspect

    modules = harness.discover()
    assert {"login", "usage_ingest"} <= set(modules)
    for name in modules:
        run = importlib.import_module(f"bench.{name}").run
        assert list(inspect.signature(run).parameters) == ["quick"], name


def test_quick_bench_run_writes_the_report_with_baselines_and_machine(tmp_path: Path):
    output = tmp_path / "performance.md"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    # its own embedded database, whatever the suite runs on; PostgreSQL for the COPY baseline
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        ISSA_VAR_DIR=str(tmp_path / "var"),
        ISSA_BENCH_PG_URL="postgres://postgres@127.0.0.1:5432/issa_bench_test",
        DJANGO_SETTINGS_MODULE="issa.config.settings",
    )
    result = subprocess.run(  # noqa: S603 - our own module with fixed arguments
        [sys.executable, "-m", "bench", "--quick", "--baselines-only", "--output", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = output.read_text(encoding="utf-8")
    for fact in ("- Date: ", "- Command: `python -m bench --quick", "- CPU: ", "- cores (nproc): ", "- memory: "):
        assert fact in report
    for baseline in ("bare Django view, test client", "bare Django view over HTTP", "Argon2id", "raw COPY"):
        assert baseline in report
    assert "## Failed in this run" not in report
