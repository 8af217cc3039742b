"""ISSA benchmarks: ``make bench`` (``python -m bench``) runs every module here and writes the
figures, with the machine and the baselines measured in the same run, to docs/performance.md.

A benchmark module (``bench/<name>.py``) defines ``run(quick: bool) -> list[Figure]``; it may
import the baseline helpers from ``bench.baselines`` and name a baseline in ``Figure.baseline``
so that the report shows the ratio. See ``bench/harness.py``.
"""
