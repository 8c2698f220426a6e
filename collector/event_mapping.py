"""Bloblang that turns one signer Kafka event into one OpenMeter CloudEvent, or throws."""

from __future__ import annotations

from catalog.model import Catalog
from collector import literals
from collector.fee_math import FEE_MATH_MAPS
from collector.markup import decimal_text, rule_table
from collector.properties import data_expressions


def select_mapping(event_type: str) -> str:
    """Keep the catalog's event type, drop other types; anything that is not an object throws."""
    return (
        'root = if this.type() != "object" {\n'
        '  throw("event is not a JSON object")\n'
        f"}} else if this.type != {literals.bloblang(event_type)} {{\n"
        "  deleted()\n"
        "} else {\n"
        "  this\n"
        "}\n"
    )


# Identity, fee, price, markup and time of the event, in that order. Each rule throws with a
# message the dead-letter record carries; nothing is dropped here.
_VALIDATE = r"""
let ev = this
let data = if $ev.data.type() == "object" { $ev.data } else {
  throw("event data is missing or not a JSON object")
}

# The envelope id is a UUID set once per event: re-reads and producer retries carry the same one,
# so OpenMeter deduplicates them. data.request_id has only 32 random bits and collides across
# payments, so it is never the id.
let id = if $ev.id.type() == "string" && $ev.id.trim() != "" { $ev.id } else {
  throw("envelope id is missing or blank; without it the event cannot be deduplicated")
}

# Identity: auth_id is "client_id:external_user_id", split at the first colon, and the whole id
# is the subject (the customer key). Without auth_id, data.client_id + data.usage_subject.
let auth_id = $data.auth_id | ""
let auth_id = if $auth_id.type() == "string" { $auth_id } else { throw("auth_id is not a string") }
let auth_parts = $auth_id.re_find_all_submatch("^([^:]*):([\\s\\S]*)$")
let identity = match {
  $auth_id.trim() != "" && $auth_parts.length() == 0 => throw(
    "auth_id %q has no colon; expected client_id:external_user_id".format($auth_id))
  $auth_id.trim() != "" => {
    "client_id": $auth_parts.index(0).index(1),
    "external_user_id": $auth_parts.index(0).index(2),
    "subject": $auth_id
  }
  _ => {
    "client_id": ($data.client_id | "").string(),
    "external_user_id": ($data.usage_subject | "").string(),
    "subject": ($data.client_id | "").string() + ":" + ($data.usage_subject | "").string()
  }
}
let no_client = $identity.client_id.trim() == ""
let no_user = $identity.external_user_id.trim() == ""
let identity = match {
  $auth_id.trim() == "" && ($no_client || $no_user) => throw("event has no identity: " +
    "auth_id is missing or blank and data.client_id/data.usage_subject are not both set")
  $no_client => throw(
    "auth_id %q has an empty client_id before the first colon".format($auth_id))
  $no_user => throw(
    "auth_id %q has an empty external_user_id after the first colon".format($auth_id))
  _ => $identity
}

# Fee in wei: a decimal string or a JSON number, a non-negative integer either way.
let fee = match $data.computed_fee.type() {
  "string" => $data.computed_fee
  "number" => $data.computed_fee.string()
  _ => throw("computed_fee is missing or neither a string nor a number")
}
let fee = if $fee.re_match("^[0-9]{1,40}$") { $fee.re_replace_all("^0+([0-9])", "$1") } else {
  throw("computed_fee %q is not a non-negative integer number of wei (at most 40 digits)".format(
    $fee))
}

# ETH/USD price, set in metadata by the price stage.
let price_text = (@eth_usd | "").string()
let price = if $price_text.re_match("^[0-9]+(\\.[0-9]+)?$") && $price_text.re_match("[1-9]") {
  $price_text.apply("decimal")
} else {
  throw("no valid ETH/USD price (got %q); a missing or non-positive price is an error".format(
    $price_text))
}

let pipeline = $data.pipeline | ""
let pipeline = if $pipeline.type() == "string" { $pipeline } else {
  throw("pipeline is not a string")
}
let model_id = $data.model_id
let model_id = if $model_id == null || $model_id.type() == "string" { $model_id } else {
  throw("model_id is not a string")
}

# Time: the envelope timestamp (unix ms), else data.current_time (RFC 3339).
# Milliseconds are formatted from the integer: a float of seconds would lose the last digit.
let ts = ($ev.timestamp | "").string()
let ms = if $ts.re_match("^[0-9]{1,15}$") { $ts.number().int64() } else { null }
let time = match {
  $ms != null => (($ms - $ms % 1000) / 1000).int64().ts_format("2006-01-02T15:04:05", "UTC") +
    "." + ("00" + ($ms % 1000).string()).slice(-3) + "Z"
  $data.current_time.type() == "string" => $data.current_time.ts_parse(
    "2006-01-02T15:04:05Z07:00"
  ).ts_format("2006-01-02T15:04:05.000Z07:00", "UTC")
  _ => throw("event has no timestamp (envelope timestamp in unix ms, or data.current_time)")
}
"""

_AMOUNTS = r"""
# Network fee = wei * price / 10^12 micros; billable = the exact network fee * markup. Each is
# rounded once, half to even, from the exact product.
let product = {"a": $fee, "b": $price.digits}.apply("multiply")
let network_fee_usd_micros = {"digits": $product, "scale": 12 + $price.scale}.apply(
  "round_half_even"
)
let multiplier = $multiplier_text.apply("decimal")
let billable_usd_micros = {
  "digits": {"a": $product, "b": $multiplier.digits}.apply("multiply"),
  "scale": 12 + $price.scale + $multiplier.scale
}.apply("round_half_even")
"""


def _markup(catalog: Catalog) -> str:
    rules = literals.bloblang(rule_table(catalog.markup))
    default = literals.bloblang(decimal_text(catalog.markup.default_multiplier))
    return (
        "\n# Markup: pipeline+model rule, else pipeline rule, else the default "
        "(catalog Markup.multiplier_for).\n"
        f"let markup_rules = {rules}\n"
        "let markup_match = $markup_rules.filter(r -> r.pipeline == $pipeline && "
        "(r.model_id == null || r.model_id == $model_id))\n"
        "let multiplier_text = if $markup_match.length() > 0 { "
        f"$markup_match.index(0).multiplier }} else {{ {default} }}\n"
    )


def _cloudevent(catalog: Catalog, source: str) -> str:
    data = data_expressions(catalog)
    fields = ",\n".join(f"    {literals.bloblang(k)}: {v}" for k, v in sorted(data.items()))
    return (
        "\nroot = {\n"
        '  "specversion": "1.0",\n'
        '  "id": $id,\n'
        f'  "source": {literals.bloblang(literals.plain(source, "collector source"))},\n'
        f'  "type": {literals.bloblang(catalog.event_type)},\n'
        '  "subject": $identity.subject,\n'
        '  "time": $time,\n'
        '  "data": {\n'
        f"{fields}\n"
        "  }\n"
        "}\n"
    )


def cloudevent_mapping(catalog: Catalog, source: str) -> str:
    """The whole mapping: helper maps, validation, markup, amounts, then the CloudEvent."""
    return (
        FEE_MATH_MAPS.lstrip()
        + _VALIDATE
        + _markup(catalog)
        + _AMOUNTS
        + _cloudevent(catalog, source)
    )
