"""Bloblang that turns one signer Kafka event into one OpenMeter CloudEvent, or throws.

Written for the interpreter's cost per event: one mapping (with a static price it also selects
the event type and carries the price's digits as constants), temporaries that reuse a few
variable names (each distinct name grows the per-event variable map), and amounts by the fast
paths of collector/fee_math.py with the general digit-string maps as the fallback.
"""

from __future__ import annotations

from catalog.model import Catalog
from collector import literals
from collector.fee_math import (
    FAST_MAPS,
    FEE_MATH_MAPS,
    FLOAT_CONSTANT_LIMIT,
    FLOAT_MAX_SCALE,
    fast_amount,
    fast_constants,
)
from collector.markup import decimal_text, rule_table
from collector.price import static_price_text
from collector.properties import data_expressions
from settings.model import PriceUrl, StaticPrice


def select_mapping(event_type: str) -> str:
    """Keep the catalog's event type, drop other types; anything that is not an object throws.

    A `mutation` (price URL mode, before the price stage): it leaves a selected event as it is,
    so nothing is copied.
    """
    return (
        'root = if this.type() != "object" {\n'
        '  throw("event is not a JSON object")\n'
        f"}} else if this.type != {literals.bloblang(event_type)} {{\n"
        "  deleted()\n"
        "}\n"
    )


def _selected(event_type: str, body: str) -> str:
    """`body` for events of the catalog's type; others dropped, non-objects an error."""
    indented = "".join(f"  {line}" if line.strip() else line for line in body.splitlines(True))
    return (
        'if this.type() != "object" {\n'
        '  root = throw("event is not a JSON object")\n'
        f"}} else if this.type != {literals.bloblang(event_type)} {{\n"
        "  root = deleted()\n"
        "} else {\n"
        f"{indented}"
        "}\n"
    )


# Identity and fee of the event, in that order. Each rule throws with a message the dead-letter
# record carries; nothing is dropped here.
_VALIDATE = r"""let data = if this.data.type() == "object" { this.data } else {
  throw("event data is missing or not a JSON object")
}

# The envelope id is a UUID set once per event: re-reads and producer retries carry the same one,
# so OpenMeter deduplicates them. data.request_id has only 32 random bits and collides across
# payments, so it is never the id.
let id = if this.id.type() == "string" && this.id.trim() != "" { this.id } else {
  throw("envelope id is missing or blank; without it the event cannot be deduplicated")
}

# Identity: auth_id is "client_id:external_user_id", split at the first colon, and the whole id
# is the subject (the customer key). Without auth_id, data.client_id + data.usage_subject.
let auth_id = if ($data.auth_id | "").type() == "string" { $data.auth_id | "" } else {
  throw("auth_id is not a string")
}
# The colon's byte offset, -1 without one, -2 without an auth_id (`index_of` and `slice` both
# count bytes, so multi-byte characters split correctly).
let colon = if $auth_id.trim() != "" { $auth_id.index_of(":") } else { -2 }
let client_id = if $colon == -2 {
  ($data.client_id | "").string()
} else if $colon == -1 {
  throw("auth_id %q has no colon; expected client_id:external_user_id".format($auth_id))
} else { $auth_id.slice(0, $colon) }
let external_user_id = if $colon == -2 { ($data.usage_subject | "").string() } else {
  $auth_id.slice($colon + 1)
}
let subject = match {
  $colon == -2 && ($client_id.trim() == "" || $external_user_id.trim() == "") => throw(
    "event has no identity: auth_id is missing or blank and " +
    "data.client_id/data.usage_subject are not both set")
  $client_id.trim() == "" => throw(
    "auth_id %q has an empty client_id before the first colon".format($auth_id))
  $external_user_id.trim() == "" => throw(
    "auth_id %q has an empty external_user_id after the first colon".format($auth_id))
  $colon >= 0 => $auth_id
  _ => $client_id + ":" + $external_user_id
}

# Fee in wei: a decimal string or a JSON number, a non-negative integer either way.
let fee = match $data.computed_fee.type() {
  "string" => $data.computed_fee
  "number" => $data.computed_fee.string()
  _ => throw("computed_fee is missing or neither a string nor a number")
}
let fee = if !$fee.re_match("^[0-9]{1,40}$") {
  throw("computed_fee %q is not a non-negative integer number of wei (at most 40 digits)".format(
    $fee))
} else if $fee.has_prefix("0") { $fee.re_replace_all("^0+([0-9])", "$1") } else { $fee }
"""

# ETH/USD price from the metadata the price stage set (URL mode), checked per event.
_PRICE_FROM_METADATA = r"""
# ETH/USD price, set in metadata by the price stage.
let price_text = (@eth_usd | "").string()
let price_text = if $price_text.re_match("^[0-9]+(\\.[0-9]+)?$") && $price_text.re_match("[1-9]") {
  $price_text
} else {
  throw("no valid ETH/USD price (got %q); a missing or non-positive price is an error".format(
    $price_text))
}
let price_digits = $price_text.replace_all(".", "")
let price_scale = ($price_text.split(".").index(1) | "").length()
# The price as an int64 for the fast paths when it has at most 18 digits (a leading "1" keeps
# `.int64()` from reading a leading zero as octal), else 0 and the general maps.
let price_int = if $price_digits.length() <= 18 {
  ("1" + ("000000000000000000" + $price_digits).slice(-18)).int64() - 1000000000000000000
} else { -1 }
"""

_REST = r"""
let pipeline = if ($data.pipeline | "").type() == "string" { $data.pipeline | "" } else {
  throw("pipeline is not a string")
}
let model_id = if $data.model_id == null || $data.model_id.type() == "string" {
  $data.model_id
} else {
  throw("model_id is not a string")
}

# Time: the envelope timestamp (unix ms), else data.current_time (RFC 3339).
# Seconds and milliseconds are cut from the digits: a float of seconds would lose the last digit.
let x = "000" + (this.timestamp | "").string()
let time = if $x.re_match("^000[0-9]{1,15}$") {
  $x.slice(0, -3).number().int64().ts_format("2006-01-02T15:04:05", "UTC") + "." +
    $x.slice(-3) + "Z"
} else if $data.current_time.type() == "string" {
  $data.current_time.ts_parse("2006-01-02T15:04:05Z07:00").ts_format(
    "2006-01-02T15:04:05.000Z07:00", "UTC"
  )
} else {
  throw("event has no timestamp (envelope timestamp in unix ms, or data.current_time)")
}
"""


def _digits_scale(text: str) -> tuple[str, int]:
    """What the `decimal` map returns for a plain decimal string: all digits and the scale."""
    whole, _, fraction = text.partition(".")
    return whole + fraction, len(fraction)


def _static_price(price: StaticPrice) -> str:
    text = literals.bloblang(static_price_text(price))
    return (
        "\n# ETH/USD price: static, so its digits are constants of this mapping.\n"
        f"meta eth_usd = {text}\n"
        f"let price_text = {text}\n"
    )


def _rules(catalog: Catalog) -> list[tuple[str, str]]:
    """(Bloblang condition, multiplier) in Markup.multiplier_for's order, the default last."""
    out: list[tuple[str, str]] = []
    for rule in rule_table(catalog.markup):
        condition = f"$pipeline == {literals.bloblang(rule['pipeline'])}"
        if rule["model_id"] is not None:
            condition += f" && $model_id == {literals.bloblang(rule['model_id'])}"
        out.append((condition, str(rule["multiplier"])))
    out.append(("_", decimal_text(catalog.markup.default_multiplier)))
    return out


def _markup(catalog: Catalog, price: StaticPrice | PriceUrl) -> str:
    """`$rule`: the first matching rule's multiplier, with its fast-path constants.

    A static price makes them constants of the mapping (the billable amount is
    fee * price digits * multiplier digits / 10^(12 + both scales)); with a price URL they are
    derived per event from the multiplier's digits `m` and scale `ms`.
    """
    arms = []
    for condition, multiplier in _rules(catalog):
        digits, scale = _digits_scale(multiplier)
        rule: dict[str, object] = {"multiplier": multiplier}
        if isinstance(price, StaticPrice):
            p_digits, p_scale = _digits_scale(static_price_text(price))
            constant, k = int(p_digits) * int(digits), 12 + p_scale + scale
            rule |= fast_constants(constant, k)
        else:
            rule |= {"m": int(digits) % 10**9, "ms": scale, "m_ok": int(digits) < 10**9}
        arms.append(f"  {condition} => {literals.bloblang(rule)}\n")
    return (
        "\n# Markup: pipeline+model rule, else pipeline rule, else the default "
        "(catalog Markup.multiplier_for).\n"
        "let rule = match {\n" + "".join(arms) + "}\n"
    )


_AMOUNTS_HEAD = """
# Network fee = wei * price / 10^12 micros; billable = the exact network fee * markup. Each is
# rounded once, half to even, from the exact product: by a fast path when its bounds hold
# (collector/fee_math.py), else by the general digit-string maps.
"""


def _general(price_digits: str, price_scale: str, billable: bool) -> str:
    """The general maps' amount (they also refuse what is out of range)."""
    product = f'{{"a": $fee, "b": {price_digits}}}.apply("multiply")'
    if not billable:
        return (
            f'{{\n  "digits": {product},\n  "scale": 12 + {price_scale}\n'
            '}.apply("round_half_even")'
        )
    return (
        "{\n"
        '  "digits": {\n'
        f'    "a": {product},\n'
        '    "b": $rule.multiplier.apply("decimal").digits\n'
        '  }.apply("multiply"),\n'
        f'  "scale": 12 + {price_scale} + $rule.multiplier.apply("decimal").scale\n'
        '}.apply("round_half_even")'
    )


def _exact_args(constant: str) -> str:
    """Arguments of the exact int64 path: the fee and the constant split into 10^9 limbs."""
    return (
        f'{{"fee": $fee, "b0": {constant} % 1000000000, '
        f'"b1": (({constant} - {constant} % 1000000000) / 1000000000).int64(), "k": $k}}'
    )


def _per_event_amount(target: str, constant: str, *, billable: bool) -> str:
    """`$<target>` from a constant known only per event (price URL mode), scale in `$k`.

    `constant` is -1 when it does not fit an int64 fast path; the general maps take over then.
    """
    return (
        f"let float_ok = {constant} >= 0 && {constant} < {FLOAT_CONSTANT_LIMIT} && "
        f"$k <= {FLOAT_MAX_SCALE}\n"
    ) + fast_amount(
        target,
        c=constant,
        p="(if $float_ok { $pow10.index($k) } else { 1 })",
        float_ok="$float_ok",
        exact=_exact_args(constant),
        exact_ok=f"{constant} >= 0",
        general=_general("$price_digits", "$price_scale", billable),
    )


def _amounts(price: StaticPrice | PriceUrl) -> str:
    if isinstance(price, StaticPrice):
        digits, scale = _digits_scale(static_price_text(price))
        fast = fast_constants(int(digits), 12 + scale)
        price_digits, price_scale = literals.bloblang(digits), str(scale)
        network = fast_amount(
            "network_fee_usd_micros",
            c=str(fast["c"]),
            p=str(fast["p"]),
            float_ok="true" if fast["float_ok"] else "false",
            exact=(
                f'{{"fee": $fee, "b0": {fast["b0"]}, "b1": {fast["b1"]}, "k": {fast["k"]}}}'
                if fast["exact_ok"]
                else None
            ),
            exact_ok="true",
            general=_general(price_digits, price_scale, False),
        )
        billable = fast_amount(
            "billable_usd_micros",
            c="$rule.c",
            p="$rule.p",
            float_ok="$rule.float_ok",
            exact='{"fee": $fee, "b0": $rule.b0, "b1": $rule.b1, "k": $rule.k}',
            exact_ok="$rule.exact_ok",
            general=_general(price_digits, price_scale, True),
        )
        head = ""
    else:
        # Per event from the price's int64 digits (-1: more than 18) and the rule's multiplier
        # digits `m` (m_ok: below 10^9, so a price below 10^9 times m stays below 10^18).
        head = f"let pow10 = {_POW10}\n"
        network = "let k = 12 + $price_scale\n" + _per_event_amount(
            "network_fee_usd_micros", "$price_int", billable=False
        )
        billable = (
            "let k = 12 + $price_scale + $rule.ms\n"
            "let c = if $price_int >= 0 && $price_int < 1000000000 && $rule.m_ok {\n"
            "  $price_int * $rule.m\n"
            "} else { -1 }\n"
        ) + _per_event_amount("billable_usd_micros", "$c", billable=True)
    return _AMOUNTS_HEAD + head + "let fee_f = $fee.number()\n" + network + billable


_POW10 = "[" + ", ".join(str(10**i) for i in range(FLOAT_MAX_SCALE + 1)) + "]"


def _cloudevent(catalog: Catalog, source: str) -> str:
    data = data_expressions(catalog)
    fields = ",\n".join(f"    {literals.bloblang(k)}: {v}" for k, v in sorted(data.items()))
    return (
        "\nroot = {\n"
        '  "specversion": "1.0",\n'
        '  "id": $id,\n'
        f'  "source": {literals.bloblang(literals.plain(source, "collector source"))},\n'
        f'  "type": {literals.bloblang(catalog.event_type)},\n'
        '  "subject": $subject,\n'
        '  "time": $time,\n'
        '  "data": {\n'
        f"{fields}\n"
        "  }\n"
        "}\n"
    )


def cloudevent_mapping(catalog: Catalog, source: str, price: StaticPrice | PriceUrl) -> str:
    """The whole mapping: helper maps, validation, price, markup, amounts, then the CloudEvent.

    With a static price it also selects the event type (`select_mapping` otherwise runs first).
    """
    body = (
        _VALIDATE
        + (_static_price(price) if isinstance(price, StaticPrice) else _PRICE_FROM_METADATA)
        + _REST
        + _markup(catalog, price)
        + _amounts(price)
        + _cloudevent(catalog, source)
    )
    maps = FEE_MATH_MAPS.lstrip() + FAST_MAPS + "\n"
    if isinstance(price, StaticPrice):
        return maps + _selected(catalog.event_type, body)
    return maps + body
