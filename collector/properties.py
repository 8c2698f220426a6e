"""Which CloudEvent `data` properties the collector emits, and from what.

Every property a catalog meter reads must be produced, or the renderer refuses the catalog:
a new meter can never silently stay empty.
"""

from __future__ import annotations

from catalog.model import Catalog

# Properties the event mapping computes (Bloblang variables of collector/event_mapping.py).
COMPUTED: dict[str, str] = {
    "network_fee_usd_micros": "$network_fee_usd_micros",
    "billable_usd_micros": "$billable_usd_micros",
    "client_id": "$client_id",
    "external_user_id": "$external_user_id",
    "pipeline": "$pipeline",
    "model_id": '$model_id.or("")',
}

# Signer `data` fields a meter may read as they are (go-livepeer create_signed_ticket event).
# A meter reading one of them makes it required: an event without it is dead-lettered.
SIGNER_FIELDS = frozenset(
    {
        "billable_secs",
        "manifest_id",
        "num_tickets",
        "orch_address",
        "orch_url",
        "pixels",
        "pm_session_id",
        "request_id",
        "sequence_number",
        "session_id",
        "session_status",
    }
)

# Always emitted so a billed amount can be recomputed from the event alone.
AUDIT: dict[str, str] = {
    "computed_fee_wei": "$fee",
    "eth_usd": "$price_text",
    "markup_multiplier": "$rule.multiplier",
    "request_id": "$data.request_id",
}


def data_expressions(catalog: Catalog) -> dict[str, str]:
    """Bloblang expression per `data` property, covering Catalog.data_properties."""
    out = dict(AUDIT)
    unknown = []
    for prop in sorted(catalog.data_properties):
        if prop in COMPUTED:
            out[prop] = COMPUTED[prop]
        elif prop in SIGNER_FIELDS:
            # The name matches ^[a-z][a-z0-9_]*$ (catalog.model.PropertyName): a safe path.
            out[prop] = (
                f'$data.{prop}.not_null().catch(throw("event data has no {prop}, '
                'which a catalog meter reads"))'
            )
        else:
            unknown.append(prop)
    if unknown:
        raise ValueError(
            f"catalog meters read data properties {unknown} that the collector does not "
            f"produce; it computes {sorted(COMPUTED)} and passes through signer fields "
            f"{sorted(SIGNER_FIELDS)}: extend collector/properties.py or fix the meter"
        )
    return out
