"""`benthos test` on the real mapping: a table of Kafka events -> CloudEvents or dead letters."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import collector
from catalog.model import Markup, MarkupRule
from collector.markup import decimal_text
from settings.model import PriceUrl, StaticPrice
from tests.collector import support
from tests.collector.benthos_tests import (
    Contains,
    DeadLetter,
    Expected,
    Ignored,
    pipeline_case,
    run,
)

PRICE = "3456.78"
FEE = 1_000_000_000_000_000  # 0.001 ETH
LVV_MARKUP = "1.25"  # catalog.yaml rule for live-video-to-video


def _config(
    tmp_path: Path, price: StaticPrice | PriceUrl | None = None, catalog: Any = None
) -> str:
    return collector.render_test_config(
        collector=support.collector_settings(price=price),
        kafka=support.kafka_settings(),
        connection=support.connection(),
        catalog=catalog or support.catalog(),
        input=collector.StdinInput(),
        dead_letter=collector.FileSink(str(tmp_path / "dlq.jsonl")),
    )


def cloudevent(
    event_id: str = "evt-1",
    *,
    wei: int = FEE,
    subject: str = "acme:user-1",
    client_id: str = "acme",
    external_user_id: str = "user-1",
    pipeline: str = "live-video-to-video",
    model_id: str = "",
    multiplier: str = LVV_MARKUP,
    time: str = "2024-12-03T15:33:20.123Z",
) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": support.SOURCE,
        "type": "create_signed_ticket",
        "subject": subject,
        "time": time,
        "data": {
            "network_fee_usd_micros": support.micros(wei, PRICE),
            "billable_usd_micros": support.micros(wei, PRICE, multiplier),
            "client_id": client_id,
            "external_user_id": external_user_id,
            "pipeline": pipeline,
            "model_id": model_id,
            "computed_fee_wei": str(wei),
            "eth_usd": PRICE,
            "markup_multiplier": multiplier,
            "request_id": "1a2b3c4d",
        },
    }


env = support.envelope

CASES: list[tuple[str, list[Any], list[Expected]]] = [
    ("fee as a decimal string", [env()], [cloudevent()]),
    ("fee as a JSON number", [env(computed_fee=FEE)], [cloudevent()]),
    ("fee zero is billed as zero", [env(computed_fee="0")], [cloudevent(wei=0)]),
    ("fee with leading zeros", [env(computed_fee="000123")], [cloudevent(wei=123)]),
    ("fee 10^24 wei as a string", [env(computed_fee=str(10**24))], [cloudevent(wei=10**24)]),
    ("fee 10^24 wei as a number", [env(computed_fee=10**24)], [cloudevent(wei=10**24)]),
    (
        "fee that rounds half to even",
        # 5e8 wei * 3456.78 / 1e12 = 1.72839 -> 2; 1.5 micros must round to 2, 2.5 to 2.
        [env("a", computed_fee=500_000_000), env("b", computed_fee="1446751", auth_id="x:y")],
        [
            Contains({"data": {"network_fee_usd_micros": support.micros(500_000_000, PRICE)}}),
            Contains({"data": {"network_fee_usd_micros": support.micros(1446751, PRICE)}}),
        ],
    ),
    ("negative fee string", [env(computed_fee="-1")], [DeadLetter('computed_fee "-1"')]),
    ("negative fee number", [env(computed_fee=-1)], [DeadLetter('computed_fee "-1"')]),
    ("non-numeric fee", [env(computed_fee="abc")], [DeadLetter('computed_fee "abc"')]),
    ("fractional fee", [env(computed_fee="1.5")], [DeadLetter('computed_fee "1.5"')]),
    ("exponent fee number", [env(computed_fee=1e21)], [DeadLetter("not a non-negative integer")]),
    ("missing fee", [env(computed_fee=None)], [DeadLetter("computed_fee is missing")]),
    ("boolean fee", [env(computed_fee=True)], [DeadLetter("computed_fee is missing")]),
    ("fee beyond the range", [env(computed_fee="9" * 41)], [DeadLetter("at most 40 digits")]),
    ("amount beyond int64", [env(computed_fee="9" * 40)], [DeadLetter("out of range")]),
    (
        "several colons: split at the first, the whole id is the subject",
        [env(auth_id="acme:team:user")],
        [cloudevent(subject="acme:team:user", external_user_id="team:user")],
    ),
    (
        "unicode ids",
        [env(auth_id="клиент:用户😀")],
        [cloudevent(subject="клиент:用户😀", client_id="клиент", external_user_id="用户😀")],
    ),
    ("no colon", [env(auth_id="acme")], [DeadLetter('auth_id "acme" has no colon')]),
    ("leading colon", [env(auth_id=":user-1")], [DeadLetter("empty client_id")]),
    ("trailing colon", [env(auth_id="acme:")], [DeadLetter("empty external_user_id")]),
    ("non-string auth_id", [env(auth_id=42)], [DeadLetter("auth_id is not a string")]),
    (
        "missing auth_id falls back to client_id + usage_subject",
        [env(auth_id=None, client_id="acme", usage_subject="user-1")],
        [cloudevent()],
    ),
    (
        "blank auth_id falls back to client_id + usage_subject",
        [env(auth_id="  ", client_id="acme", usage_subject="user-1")],
        [cloudevent()],
    ),
    ("missing auth_id and no fallback", [env(auth_id=None)], [DeadLetter("event has no identity")]),
    ("blank auth_id and no fallback", [env(auth_id="")], [DeadLetter("event has no identity")]),
    (
        "fallback with only client_id",
        [env(auth_id=None, client_id="acme")],
        [DeadLetter("event has no identity")],
    ),
    ("missing envelope id", [env(None)], [DeadLetter("envelope id is missing")]),
    ("blank envelope id", [env(" ")], [DeadLetter("envelope id is missing")]),
    ("malformed JSON", ['{"id": "evt-1", "type": '], [DeadLetter("parse as json")]),
    ("JSON that is not an object", ['["create_signed_ticket"]'], [DeadLetter("not a JSON object")]),
    (
        "data that is not an object",
        [{"id": "e", "type": "create_signed_ticket", "data": "x"}],
        [DeadLetter("event data is missing")],
    ),
    (
        "other event types are ignored, not dead-lettered",
        [
            {"id": "e2", "type": "stream_trace", "data": {}},
            {"id": "e3", "data": {}},
            env("evt-1"),
        ],
        [Ignored(), Ignored(), cloudevent()],
    ),
    (
        "two payments sharing a request_id are both billed under their own ids",
        [env("evt-a"), env("evt-b", auth_id="other:user-2")],
        [
            cloudevent("evt-a"),
            cloudevent(
                "evt-b", subject="other:user-2", client_id="other", external_user_id="user-2"
            ),
        ],
    ),
    ("the same event read twice keeps one id", [env(), env()], [cloudevent(), cloudevent()]),
    (
        "time falls back to data.current_time",
        [
            {**env(), "timestamp": None}
            | {"data": env()["data"] | {"current_time": "2024-12-03T16:33:20.5+01:00"}}
        ],
        [cloudevent(time="2024-12-03T15:33:20.500Z")],
    ),
    (
        "no time at all",
        [{k: v for k, v in env(current_time=None).items() if k != "timestamp"}],
        [DeadLetter("event has no timestamp")],
    ),
    (
        "model_id is a dimension when present",
        [env(model_id="stabilityai/sd-turbo", pipeline="text-to-image")],
        [cloudevent(model_id="stabilityai/sd-turbo", pipeline="text-to-image", multiplier="1.20")],
    ),
]


def test_mapping_table(tmp_path: Path) -> None:
    cases = [pipeline_case(name, events, expected) for name, events, expected in CASES]
    result = run(_config(tmp_path), cases, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "succeeded" in result.stdout


def test_the_table_runner_fails_on_a_wrong_expectation(tmp_path: Path) -> None:
    # Guards the harness itself: a run that checked nothing would pass every table.
    wrong = [
        pipeline_case("wrong amount", [env()], [cloudevent(wei=FEE + 10**9)]),
        pipeline_case("wrong route", [env(auth_id="acme")], [cloudevent()]),
        pipeline_case("missing output", [env()], [Ignored()]),
    ]
    result = run(_config(tmp_path), wrong, tmp_path)
    assert result.returncode != 0
    for name in ("wrong amount", "wrong route", "missing output"):
        assert name in result.stdout


def test_cloudevent_data_carries_every_property_a_catalog_meter_reads(tmp_path: Path) -> None:
    catalog = support.catalog()
    data = cloudevent()["data"]
    assert catalog.data_properties <= data.keys()
    case = pipeline_case("catalog properties", [env()], [cloudevent()])
    # json_equals on the whole event: exactly these properties, so a new meter cannot stay empty.
    result = run(_config(tmp_path, catalog=catalog), [case], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_markup_matches_the_catalog_rule_for_every_pipeline_and_model(tmp_path: Path) -> None:
    markup = Markup(
        default_multiplier=Decimal("1.1"),
        rules=(
            MarkupRule(pipeline="p1", multiplier=Decimal("1.5")),
            MarkupRule(pipeline="p1", model_id="m1", multiplier=Decimal("2")),
            MarkupRule(pipeline="p2", model_id="m2", multiplier=Decimal("3.000001")),
            MarkupRule(pipeline="p3", model_id="", multiplier=Decimal("4")),
        ),
    )
    catalog = support.catalog().model_copy(update={"markup": markup})
    combos = [
        ("p1", "m1"), ("p1", "m2"), ("p1", None), ("p2", "m2"), ("p2", "m1"), ("p2", None),
        ("p3", ""), ("p3", None), (None, None), ("p9", "m1"), (None, "m1"),
    ]  # fmt: skip
    cases = []
    for pipeline, model in combos:
        expected = markup.multiplier_for(pipeline, model)
        event = env(pipeline=pipeline, model_id=model)
        check = Contains(
            {
                "data": {
                    "markup_multiplier": decimal_text(expected),
                    "billable_usd_micros": support.micros(FEE, PRICE, str(expected)),
                    "pipeline": pipeline or "",
                    "model_id": model or "",
                }
            }
        )
        cases.append(pipeline_case(f"markup {pipeline}/{model}", [event], [check]))
    result = run(_config(tmp_path, catalog=catalog), cases, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_price_responses_of_every_documented_shape(tmp_path: Path) -> None:
    config = _config(tmp_path, price=PriceUrl(url="http://127.0.0.1:9/price", refresh_seconds=60))
    good = [
        ('{"price": 3456.78}', "3456.78"),
        ('{"price": "3456.78"}', "3456.78"),
        ('{"ethereum": {"usd": 3456.78}}', "3456.78"),
        ('{"ethereum": {"usd": 3456}}', "3456"),
        ('{"data": {"amount": "3456.780000"}}', "3456.780000"),
    ]
    bad = [
        '{"price": 0}',
        '{"price": "0.00"}',
        '{"price": -3456.78}',
        '{"price": "abc"}',
        '{"price": 3.45678e3}',
        '{"ethereum": {"eur": 1}}',
        "{}",
        "[]",
        "not json",
    ]
    cases: list[dict[str, Any]] = [
        {
            "name": f"price {body}",
            "target_processors": "eth_usd_from_response",
            "input_batch": [{"content": body}],
            "output_batches": [[{"content_equals": want, "bloblang": "!errored()"}]],
        }
        for body, want in good
    ] + [
        {
            "name": f"bad price {body}",
            "target_processors": "eth_usd_from_response",
            "input_batch": [{"content": body}],
            "output_batches": [[{"bloblang": "errored()"}]],
        }
        for body in bad
    ]
    result = run(config, cases, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
