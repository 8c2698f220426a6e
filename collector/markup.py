"""The catalog's markup rules as a Bloblang table, in the order Markup.multiplier_for reads them."""

from __future__ import annotations

from decimal import Decimal

from catalog.model import Markup


def decimal_text(value: Decimal) -> str:
    """Plain positional notation ("1.25", never "1.25E+0"), as the `decimal` map parses it."""
    text = format(value, "f")
    if not text.replace(".", "", 1).isdigit() or value <= 0:
        raise ValueError(f"{value} is not a positive decimal")
    return text


def rule_table(markup: Markup) -> list[dict[str, str | None]]:
    """Pipeline+model rules first, then pipeline-only rules: the first match is the most specific.

    Rules are unique per (pipeline, model_id), so the first match in this order is exactly
    what Markup.multiplier_for returns.
    """
    specific = [r for r in markup.rules if r.model_id is not None]
    general = [r for r in markup.rules if r.model_id is None]
    return [
        {
            "pipeline": rule.pipeline,
            "model_id": rule.model_id,
            "multiplier": decimal_text(rule.multiplier),
        }
        for rule in (*specific, *general)
    ]
