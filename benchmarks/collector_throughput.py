"""Collector throughput through the real Benthos: events/s from input to OpenMeter ingest.

Prints figures, asserts nothing about speed. Run from the repository root:

    PATH=$PWD/.tools/bin:$PATH .venv/bin/python benchmarks/collector_throughput.py

(a) seed-style: the seed's unbatched input, our processors, then a plain `http_client` posting
    one `application/cloudevents+json` event per request (the seed's shape), Benthos' default 64
    requests in flight;
(b) ours: the rendered config (events batched at the input, batches of `collectorBatchSize`,
    `collectorMaxInFlight` in flight);
(c) mapping-only ceiling: the same processors, output `drop`;
(d) the fake's ceiling: pre-mapped CloudEvents, no processors, our batched output;
(e) ours with a price URL (the price stage in front of the mapping): a background input keeps
    that Benthos running, so the rate is timed from the first to the last delivered event.
Every run ingests into the OpenMeter fake over HTTP on 127.0.0.1 with a fixed simulated latency
per request, and must deliver every event (checked) for its figure to count. Every variant, the
seed's included, runs Benthos with the collector container's Go runtime settings
(collector.runtime_environment), so the ratios compare configs, not runtimes. Each figure is the
median of --repeat runs; all runs are printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import collector  # noqa: E402
from settings.model import PriceUrl  # noqa: E402
from tests.collector import support  # noqa: E402
from tests.collector.price_server import PriceStub, serve_price  # noqa: E402
from tests.collector.reference import expected_cloudevent  # noqa: E402
from tests.support.openmeter_fake import FakeOpenMeter, serve_http  # noqa: E402

PRICE = "3456.78"


def _events(count: int) -> list[dict[str, Any]]:
    return [
        support.envelope(
            f"evt-{i:07d}",
            auth_id=f"client-{i % 50}:user-{i % 997}",
            computed_fee=str(10**15 + i * 7_919_000_000),
            request_id=f"{i % 65536:08x}",
        )
        for i in range(count)
    ]


def _config_text(base_url: str, source: Path, workdir: Path, price: PriceUrl | None = None) -> str:
    return collector.render_test_config(
        collector=support.collector_settings(price=price, batch_period="50ms"),
        kafka=support.kafka_settings(),
        connection=support.connection(base_url),
        catalog=support.catalog(),
        input=collector.FileInput(str(source)),
        dead_letter=collector.FileSink(str(workdir / "dlq.jsonl")),
    )


def _config(base_url: str, source: Path, workdir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(_config_text(base_url, source, workdir))
    return loaded


def _ingest(config: dict[str, Any]) -> dict[str, Any]:
    http: dict[str, Any] = config["output"]["switch"]["cases"][1]["output"]["fallback"][0][
        "http_client"
    ]
    return http


def seed_style(config: dict[str, Any]) -> dict[str, Any]:
    """The seed's output: a plain http_client, one event per POST, Benthos defaults otherwise.

    Plain on purpose: behind our switch/fallback an unbatched output would be sent one event at
    a time (the fallback waits for each result), which would flatter our figure.
    """
    http = _ingest(config)
    config["input"] = config["input"]["batched"]["child"] | {"label": config["input"]["label"]}
    del http["batching"]
    del http["max_in_flight"]  # Benthos default: 64
    http["headers"]["Content-Type"] = "application/cloudevents+json"
    config["output"] = {"http_client": http}
    config.pop("output_resources")
    return config


def seed_style_16(config: dict[str, Any]) -> dict[str, Any]:
    """The seed's shape with 16 requests in flight: its best case against this fake.

    At the default 64, Go keeps only 2 idle connections per host, so most requests open a new
    TCP connection and the fake's listen backlog (Python's default of 5) drops SYNs: the figure
    then measures that, not the collector.
    """
    config = seed_style(config)
    config["output"]["http_client"]["max_in_flight"] = 16
    return config


def _ours(config: dict[str, Any]) -> dict[str, Any]:
    return config


def mapping_only(config: dict[str, Any]) -> dict[str, Any]:
    config["output"] = {"drop": {}}
    config.pop("output_resources")
    return config


def output_only(config: dict[str, Any]) -> dict[str, Any]:
    config["pipeline"] = {"processors": []}
    return config


def _run(config: dict[str, Any], workdir: Path) -> float:
    path = workdir / "bench.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    started = time.perf_counter()
    result = support.run_benthos("-c", str(path), timeout_s=900)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"benthos failed:\n{result.stderr[-2000:]}")
    return elapsed


def measure(
    name: str,
    variant: Any,
    events: list[dict[str, Any]],
    latency_s: float,
    *,
    repeat: int,
    premapped: bool = False,
) -> float:
    catalog = support.catalog()
    lines = [expected_cloudevent(e, PRICE, catalog) for e in events] if premapped else events
    return _median(
        name, [_measure_once(name, variant, lines, len(events), latency_s) for _ in range(repeat)]
    )


def _median(name: str, rates: list[float]) -> float:
    median = sorted(rates)[len(rates) // 2]
    print(f"{name:<34} median {median:>10,.0f} events/s of {len(rates)} runs", flush=True)
    return median


def measure_price_url(name: str, events: list[dict[str, Any]], latency_s: float) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        source = support.write_jsonl(workdir / "events.jsonl", events)
        fake = FakeOpenMeter(validate=False, defer_event_schema=True)
        stub = PriceStub(body={"price": PRICE})
        with serve_http(fake, latency_s=latency_s) as base_url, serve_price(stub) as price_url:
            price = PriceUrl(url=price_url, refresh_seconds=60)
            text = _config_text(base_url, source, workdir, price)
            with support.stopping(support.start(text, workdir)):
                # Polled every 2 ms: the run takes seconds, so the timing error stays below 0.1%.
                started = support.wait_for(
                    lambda: bool(fake.events), "the first event", 300, poll_s=0.002
                )
                first = len(fake.events)
                ended = support.wait_for(
                    lambda: len(fake.events) >= len(events), "every event", 300, poll_s=0.002
                )
        return _checked_rate(
            name, fake, sent=len(events), timed=len(events) - first, seconds=ended - started
        )


def _measure_once(
    name: str, variant: Any, lines: list[dict[str, Any]], expected: int, latency_s: float
) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        source = support.write_jsonl(workdir / "events.jsonl", lines)
        empty = support.write_jsonl(workdir / "empty.jsonl", [])
        # Contract checks would measure only themselves (openapi-core ~5 ms per request, the
        # MeteringEvent schema ~150 µs per event): the fake checks required fields inline and
        # every received event against the schema after the timed run.
        fake = FakeOpenMeter(validate=False, defer_event_schema=True)
        with serve_http(fake, latency_s=latency_s) as base_url:
            startup = _run(variant(_config(base_url, empty, workdir)), workdir)
            elapsed = _run(variant(_config(base_url, source, workdir)), workdir)
        return _checked_rate(
            name,
            fake,
            sent=None if variant is mapping_only else expected,
            timed=expected,
            seconds=elapsed - startup,
        )


def _checked_rate(
    name: str, fake: FakeOpenMeter, *, sent: int | None, timed: int, seconds: float
) -> float:
    """`timed` events over `seconds`, printed; exits unless the fake got all `sent` events.

    `sent` None: the variant sends nothing (mapping only). Any contract violation also exits.
    """
    delivered = len({e["id"] for e in fake.events})
    if sent is not None and delivered != sent:
        raise SystemExit(f"{name}: delivered {delivered} of {sent} events")
    late = fake.deferred_event_violations()
    if fake.violations or late:
        raise SystemExit(f"{name}: contract violations {(fake.violations + late)[:3]}")
    rate = timed / max(seconds, 1e-6)
    print(
        f"  {name:<32} {timed:>7} events {seconds:>7.2f} s "
        f"{rate:>10,.0f} events/s  ({len(fake.event_requests)} ingest requests)",
        flush=True,
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=60_000, help="events for (b), (c), (d)")
    parser.add_argument("--seed-events", type=int, default=6_000, help="events for (a)")
    parser.add_argument("--latency-ms", type=float, default=5.0, help="fake latency per request")
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant (median kept)")
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    print(
        f"Benthos {support.benthos_binary()}, fake ingest latency {args.latency_ms} ms/request, "
        f"batch {support.collector_settings().batch_size}, "
        f"in flight {support.collector_settings().max_in_flight}, "
        f"Go runtime {collector.runtime_environment(support.collector_settings().memory_mib)}",
        flush=True,
    )
    repeat = args.repeat
    events = _events(args.events)
    seed_events = events[: args.seed_events]
    seed = measure(
        "(a) seed-style, one POST per event", seed_style, seed_events, latency, repeat=repeat
    )
    seed_16 = measure(
        "(a') seed-style, 16 in flight", seed_style_16, seed_events, latency, repeat=repeat
    )
    ours = measure("(b) ours, batched", _ours, events, latency, repeat=repeat)
    ceiling = measure(
        "(c) mapping only, output dropped", mapping_only, events, latency, repeat=repeat
    )
    fake = measure(
        "(d) fake ceiling, no processors",
        output_only,
        events,
        latency,
        repeat=repeat,
        premapped=True,
    )
    url_name = "(e) ours, price URL"
    with_url = _median(
        url_name, [measure_price_url(url_name, events, latency) for _ in range(repeat)]
    )
    print(f"(b)/(a) = {ours / seed:.1f}x   (target >= 10x)")
    print(f"(b)/(a') = {ours / seed_16:.1f}x  (against the seed shape's best case here)")
    print(f"(b)/(c) = {ours / ceiling:.2f}    (target >= 0.5)")
    print(f"(d)/(b) = {fake / ours:.2f}    (> 1: the fake is not the bottleneck)")
    print(f"(e)/(b) = {with_url / ours:.2f}    (the price URL stage against a static price)")
    figures = {
        "seed": seed,
        "seed_16": seed_16,
        "ours": ours,
        "mapping_only": ceiling,
        "fake": fake,
        "price_url": with_url,
    }
    print(json.dumps({k: round(v) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
