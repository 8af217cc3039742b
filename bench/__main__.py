"""``python -m bench [--quick] [--output PATH] [module ...]``: run the benchmarks, write the report."""

from __future__ import annotations

import argparse
import importlib
import os
import shlex
import sys
import time
import traceback
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("modules", nargs="*", help="benchmark modules to run (default: all in bench/)")
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that everything runs")
    parser.add_argument("--output", default="docs/performance.md", help="the Markdown report to write")
    parser.add_argument("--baselines-only", action="store_true", help="measure the baselines, no module")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "issa.config.settings")
    import django

    django.setup()
    from bench import harness

    started_at = harness.now()
    started = time.perf_counter()
    facts = harness.machine()
    errors: list[str] = []

    print("baselines …", flush=True)
    baselines: dict[str, harness.Figure] = {}
    try:
        from bench import baselines as baseline_module

        for fig in baseline_module.run(args.quick):
            baselines[fig.key] = fig
            print(f"  {fig.name}: {fig.value:.4g} {fig.unit}", flush=True)
    except Exception as exc:
        errors.append(f"baselines: {type(exc).__name__}: {exc}")
        traceback.print_exc()

    figures: list[harness.Figure] = []
    for name in [] if args.baselines_only else args.modules or harness.discover():
        print(f"{name} …", flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
            for fig in module.run(args.quick):
                figures.append(fig)
                print(f"  {fig.name}: {fig.value:.4g} {fig.unit}", flush=True)
        except Exception as exc:
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
            traceback.print_exc()

    command = "make bench" if not argv and sys.argv[1:] == [] else "python -m bench " + shlex.join(sys.argv[1:])
    text = harness.render(
        figures=figures,
        baselines=baselines,
        facts=facts,
        command=command,
        started=started_at,
        seconds=time.perf_counter() - started,
        errors=errors,
    )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}" + (f" ({len(errors)} failed: see the report)" if errors else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
