"""Request budget of the OpenMeter catalog providers (counts, not timings).

Run: .venv/bin/python benchmarks/openmeter_requests.py
Drives the real catalog (catalog/catalog.yaml, two customers, one subscribed) through the
dynamic providers against the OpenMeter fake over HTTP on 127.0.0.1, and prints the requests
each scenario costs next to its budget. Exits non-zero when a budget is exceeded.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalog import load_catalog
from tests.openmeter.catalog_decl import declare, with_unit_price
from tests.openmeter.engine import DirectHost, Engine
from tests.support.openmeter_fake import FakeOpenMeter, serve_http

API_KEY = "bench-key"


def main() -> int:
    fake = FakeOpenMeter(api_key=API_KEY)
    rows: list[tuple[str, int, int, str]] = []
    with serve_http(fake) as url:
        host = DirectHost({"clearinghouse:openmeterApiKey": API_KEY})
        engine = Engine(host)
        objects = len(declare(url))

        def measure(label: str, budget: int, action: object) -> None:
            start = len(fake.requests)
            assert callable(action)
            action()
            spent = fake.requests[start:]
            detail = ", ".join(f"{m} {n}" for m, n in sorted(Counter(m for m, _ in spent).items()))
            rows.append((label, len(spent), budget, detail))

        measure("create from empty", 2 * objects + 1, lambda: engine.up(declare(url)))
        measure("no-op update (up again)", objects, lambda: engine.up(declare(url)))
        measure("no-op refresh", objects, engine.refresh)
        fresh = Engine(host)
        measure(
            "adopt existing catalog (empty state)", 2 * objects + 1, lambda: fresh.up(declare(url))
        )
        changed = with_unit_price(load_catalog(), "0.000002")
        measure("plan price change (new version)", 3, lambda: engine.up(declare(url, changed)))
    print(
        f"objects in the catalog: {objects} (3 meters, 2 features, 1 plan, 2 customers, "
        "1 subscription)"
    )
    print(f"{'scenario':40} {'requests':>8} {'budget':>6}  by method")
    failed = False
    for label, spent, budget, detail in rows:
        flag = "" if spent <= budget else "  OVER BUDGET"
        failed |= spent > budget
        print(f"{label:40} {spent:>8} {budget:>6}  {detail}{flag}")
    if fake.violations:
        print("contract violations:", *fake.violations, sep="\n  ")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
