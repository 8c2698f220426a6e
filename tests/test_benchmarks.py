"""The benchmark scripts still run end to end (their figures are printed, never asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.collector import support

REPO = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    tools = str(Path(support.benthos_binary()).parent)
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"},
    )


def test_collector_throughput_benchmark_delivers_every_event_in_every_variant() -> None:
    # Tiny counts: this checks that each variant runs and delivers everything (the script exits
    # non-zero otherwise), not how fast it is.
    result = _run(
        "benchmarks/collector_throughput.py",
        "--events",
        "400",
        "--seed-events",
        "80",
        "--repeat",
        "1",
        "--latency-ms",
        "1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    figures = json.loads(lines[-1])
    assert set(figures) == {"seed", "seed_16", "ours", "mapping_only", "fake", "price_url"}
    assert all(value > 0 for value in figures.values())
    for ratio in ("(b)/(a) =", "(b)/(c) =", "(d)/(b) =", "(e)/(b) ="):
        assert any(line.startswith(ratio) for line in lines), ratio
    assert "(80 ingest requests)" in result.stdout  # seed-style: one POST per event


def test_openmeter_request_budget_is_kept() -> None:
    result = _run("benchmarks/openmeter_requests.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OVER BUDGET" not in result.stdout
    assert "create from empty" in result.stdout
