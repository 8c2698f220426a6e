"""The amounts' fast paths (collector/fee_math.py) at their boundaries, against Python Decimal.

The float path decides only away from ties; the exact int64 paths cover what it leaves; the
general digit-string maps everything else. Each case below sits on a boundary between them:
exact halves of a micro (both parities) and one wei either side, fees around 10^18 and 10^27
wei, prices and price x multiplier constants around 2^53, 10^9 and 10^18, scales around 18 and
27, and amounts around the 10^18-micro limit. The expected amount is always the exact
Decimal reference, or a refusal exactly when the general maps refuse (the integer part of an
amount is 10^18 micros or more).
"""

from __future__ import annotations

import json
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, localcontext
from math import gcd
from pathlib import Path
from typing import Any

import pytest

import collector
from catalog.model import Catalog, Markup, MarkupRule
from collector.markup import decimal_text
from settings.model import PriceUrl, StaticPrice
from tests.collector import support
from tests.collector.benthos_tests import Contains, DeadLetter, Expected, pipeline_case, run

LIMIT = 10**18
# Pipelines picking each multiplier: 10 significant digits (beyond the URL mode's int64 product
# bound), below 1 (so a network amount just under the limit can stay billable), and the default.
MARKUP = Markup(
    default_multiplier=Decimal("1.25"),
    rules=(
        MarkupRule(pipeline="long-multiplier", multiplier=Decimal("1.000000001")),
        MarkupRule(pipeline="half-multiplier", multiplier=Decimal("0.5")),
    ),
)
PIPELINES = ("default", "long-multiplier", "half-multiplier")


def _catalog() -> Catalog:
    return support.catalog().model_copy(update={"markup": MARKUP})


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def _exact(wei: int, price: str, multiplier: str = "1") -> Decimal:
    """wei * price * multiplier / 10^12 with enough precision to be exact (support.micros uses
    the default 28 digits, which rounds products of 29 digits or more)."""
    with localcontext() as context:
        context.prec = 200
        return Decimal(wei) * Decimal(price) * Decimal(multiplier) / Decimal(10) ** 12


def _micros(wei: int, price: str, multiplier: str = "1") -> int:
    """The exact amount rounded once, half to even."""
    with localcontext() as context:
        context.prec = 200
        exact = _exact(wei, price, multiplier)
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _refused(wei: int, price: str, multiplier: str) -> bool:
    """The general maps refuse an amount whose integer part has more than 18 digits."""
    return _floor(_exact(wei, price)) >= LIMIT or _floor(_exact(wei, price, multiplier)) >= LIMIT


def _halves(price: str, count: int) -> list[int]:
    """Fees whose network amount is exactly n + 1/2 micros (none when the price allows none)."""
    digits = int(price.replace(".", ""))
    scale = len(price.partition(".")[2])
    modulus = 10 ** (12 + scale)
    g = gcd(digits, modulus)
    half = modulus // 2
    if half % g:
        return []
    step = modulus // g
    first = (half // g) * pow(digits // g, -1, step) % step
    return [first + i * step for i in range(count)]


def _fees(price: str) -> list[int]:
    fees = {0, 1, 999_999_999, 10**9, 10**15 + 7_919_000_000, 10**18 - 1, 10**18, 10**18 + 1}
    fees |= {10**24, 10**27 - 1, 10**27, 10**27 + 1, 10**39, 10**40 - 1}
    # Amounts around the 10^18-micro limit (their integer part just below, at, just above).
    with localcontext() as context:
        context.prec = 200
        for micros in (Decimal(LIMIT) - Decimal("0.5"), Decimal(LIMIT)):
            wei = _floor(micros * Decimal(10) ** 12 / Decimal(price))
            fees |= {wei - 1, wei, wei + 1}
    for half in _halves(price, 3) + [h * 10**9 for h in _halves(price, 1)]:
        fees |= {half - 1, half, half + 1}
    return sorted(f for f in fees if 0 <= f < 10**40)


def _expected(wei: int, price: str, pipeline: str) -> Expected:
    multiplier = decimal_text(MARKUP.multiplier_for(pipeline, None))
    if _refused(wei, price, multiplier):
        return DeadLetter("out of range")
    return Contains(
        {
            "data": {
                "network_fee_usd_micros": _micros(wei, price),
                "billable_usd_micros": _micros(wei, price, multiplier),
                "computed_fee_wei": str(wei),
                "eth_usd": price,
                "markup_multiplier": multiplier,
            }
        }
    )


# Prices around every bound: digits below/above 10^9, 2^53 and 10^18 (the float and int64
# paths), scales around 6 (float: price scale + 12 <= 18) and 15 (exact: <= 27), a price whose
# digits carry leading zeros, and trailing zeros.
PRICES = [
    "3456.78",
    "3456.780000",
    "999999999",
    "1000000000",
    "1999.999999",
    "9007199.254740991",
    "9007199.254740993",
    "123456789.123456789",
    "999999999999999999",
    "1000000000000000000",
    "0.000001",
    "0.0000001",
    "0.000000000000001",
    "0.0000000000000001",
    "0.0000000000000000001",
    "1",
]


def _events_and_checks(price: str) -> tuple[list[dict[str, Any]], list[Expected]]:
    events, checks = [], []
    for i, wei in enumerate(_fees(price)):
        pipeline = PIPELINES[i % len(PIPELINES)]
        fee: int | str = wei if i % 2 and wei < 10**30 else str(wei)
        events.append(support.envelope(f"evt-{i}", computed_fee=fee, pipeline=pipeline))
        checks.append(_expected(wei, price, pipeline))
    return events, checks


def test_the_boundary_tables_reach_every_path() -> None:
    # Guards the tables themselves: ties exist, and both outcomes occur.
    assert _halves("3456.78", 1)
    assert any(isinstance(c, DeadLetter) for p in PRICES for c in _events_and_checks(p)[1])
    assert all(any(isinstance(c, Contains) for c in _events_and_checks(p)[1]) for p in PRICES)


@pytest.mark.parametrize("price", PRICES)
def test_static_price_amounts_are_exact_at_every_boundary(tmp_path: Path, price: str) -> None:
    config = collector.render_test_config(
        collector=support.collector_settings(price=StaticPrice(eth_usd=Decimal(price))),
        kafka=support.kafka_settings(),
        connection=support.connection(),
        catalog=_catalog(),
        input=collector.StdinInput(),
        dead_letter=collector.FileSink(str(tmp_path / "dlq.jsonl")),
    )
    events, checks = _events_and_checks(price)
    cases = [pipeline_case(f"amounts at {price}", events, checks)]
    result = run(config, cases, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def _metadata_case(price: str) -> dict[str, Any]:
    """The event mapping alone, with the price the URL mode's price stage would have set."""
    events, expected = _events_and_checks(price)
    checks: list[dict[str, Any]] = []
    for check in expected:
        if isinstance(check, DeadLetter):
            error = json.dumps(check.error)
            checks.append({"bloblang": f"errored() && error().contains({error})"})
        else:
            assert isinstance(check, Contains)
            checks.append({"json_contains": check.fields, "bloblang": "!errored()"})
    return {
        "name": f"amounts at {price}",
        "target_processors": "to_cloudevent",
        "input_batch": [
            {"content": support.json_line(e), "metadata": {"eth_usd": price}} for e in events
        ],
        "output_batches": [checks],
    }


def test_price_url_amounts_are_exact_at_every_boundary(tmp_path: Path) -> None:
    config = collector.render_test_config(
        collector=support.collector_settings(
            price=PriceUrl(url="http://127.0.0.1:9/price", refresh_seconds=60)
        ),
        kafka=support.kafka_settings(),
        connection=support.connection(),
        catalog=_catalog(),
        input=collector.StdinInput(),
        dead_letter=collector.FileSink(str(tmp_path / "dlq.jsonl")),
    )
    result = run(config, [_metadata_case(price) for price in PRICES], tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
