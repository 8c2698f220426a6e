"""Desired state of each OpenMeter object, and the same shape read back from the API.

Each spec is what a dynamic resource takes as inputs (minus connection fields) and keeps as
outputs. `observed()` projects an API object onto the spec so that comparing the two ignores
everything the server fills in by itself (timestamps, versions, payment terms, defaults).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Key = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:_[a-z0-9]+)*$", max_length=64)]
Ulid = Annotated[str, Field(pattern=r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
JsonObject = dict[str, Any]


def canonical_decimal(value: str) -> str:
    return format(Decimal(value).normalize(), "f")


class Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: ClassVar[str]
    # Fields the API cannot change in place: a change means a new object (replace).
    immutable: ClassVar[tuple[str, ...]]

    @property
    def ident(self) -> str:
        return str(getattr(self, "key", ""))

    def changed_fields(self, other: Spec) -> list[str]:
        return [
            name for name in type(self).model_fields if getattr(self, name) != getattr(other, name)
        ]

    def to_outputs(self) -> JsonObject:
        return self.model_dump(mode="json")


class MeterSpec(Spec):
    kind: ClassVar[str] = "meter"
    immutable: ClassVar[tuple[str, ...]] = ("key", "event_type", "aggregation", "value_property")
    key: Key
    name: str = Field(min_length=1, max_length=256)
    description: str = Field("", max_length=1024)
    event_type: str = Field(min_length=1)
    aggregation: Literal["sum", "count", "unique_count", "avg", "min", "max", "latest"]
    value_property: str | None = None
    dimensions: dict[str, str] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _value_property_fits(self) -> Self:
        if self.aggregation == "count" and self.value_property is not None:
            raise ValueError("a count meter must not set value_property (OpenMeter rejects it)")
        if self.aggregation != "count" and not self.value_property:
            raise ValueError(f"a {self.aggregation} meter needs value_property")
        reserved = {"subject", "customer_id"}.intersection(self.dimensions)
        if reserved:
            raise ValueError(f"dimension names {sorted(reserved)} are reserved by OpenMeter")
        return self

    @classmethod
    def observed(cls, api: JsonObject) -> MeterSpec:
        return cls(
            key=api["key"],
            name=api["name"],
            description=api.get("description") or "",
            event_type=api["event_type"],
            aggregation=api["aggregation"],
            value_property=api.get("value_property") if api["aggregation"] != "count" else None,
            dimensions=api.get("dimensions") or {},
            labels=api.get("labels") or {},
        )

    def create_body(self) -> JsonObject:
        body = self.model_dump(exclude_none=True)
        if not body["description"]:
            del body["description"]
        return body

    def update_body(self) -> JsonObject:
        body: JsonObject = {
            "name": self.name,
            "labels": self.labels,
            "dimensions": self.dimensions,
        }
        if self.description:
            body["description"] = self.description
        return body


class FeatureSpec(Spec):
    kind: ClassVar[str] = "feature"
    # PATCH changes only unit_cost; anything else means archive and recreate.
    immutable: ClassVar[tuple[str, ...]] = ("key", "name", "meter_id")
    key: Key
    name: str = Field(min_length=1, max_length=256)
    meter_id: Ulid
    unit_cost: str | None = None

    @field_validator("unit_cost")
    @classmethod
    def _canonical_cost(cls, value: str | None) -> str | None:
        return None if value is None else canonical_decimal(value)

    @classmethod
    def observed(cls, api: JsonObject) -> FeatureSpec:
        cost = api.get("unit_cost") or {}
        return cls(
            key=api["key"],
            name=api["name"],
            meter_id=(api.get("meter") or {}).get("id", "0" * 26),
            unit_cost=cost.get("amount") if cost.get("type") == "manual" else None,
        )

    def create_body(self) -> JsonObject:
        body: JsonObject = {"key": self.key, "name": self.name, "meter": {"id": self.meter_id}}
        if self.unit_cost is not None:
            body["unit_cost"] = {"type": "manual", "amount": self.unit_cost}
        return body

    def update_body(self) -> JsonObject:
        cost = None if self.unit_cost is None else {"type": "manual", "amount": self.unit_cost}
        return {"unit_cost": cost}


class RateCardSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    key: Key
    name: str = Field(min_length=1, max_length=256)
    feature_id: Ulid
    unit_price: str

    @field_validator("unit_price")
    @classmethod
    def _canonical_price(cls, value: str) -> str:
        return canonical_decimal(value)


PHASE_KEY = "default"


class PlanSpec(Spec):
    kind: ClassVar[str] = "plan"
    # Everything but the key changes through a new plan version.
    immutable: ClassVar[tuple[str, ...]] = ("key",)
    key: Key
    name: str = Field(min_length=1, max_length=256)
    description: str = ""
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    billing_cadence: str = Field(pattern=r"^P\d+[DWMY]$")
    rate_cards: tuple[RateCardSpec, ...] = Field(min_length=1)

    @classmethod
    def observed(cls, api: JsonObject) -> PlanSpec:
        cards = [card for phase in api.get("phases", []) for card in phase.get("rate_cards", [])]
        return cls(
            key=api["key"],
            name=api["name"],
            description=api.get("description") or "",
            currency=api["currency"],
            billing_cadence=api["billing_cadence"],
            rate_cards=tuple(
                RateCardSpec(
                    key=card["key"],
                    name=card["name"],
                    feature_id=(card.get("feature") or {}).get("id", "0" * 26),
                    unit_price=(card.get("price") or {}).get("amount", "0"),
                )
                for card in cards
            ),
        )

    def _phases(self) -> list[JsonObject]:
        cards = [
            {
                "key": card.key,
                "name": card.name,
                "feature": {"id": card.feature_id},
                "billing_cadence": self.billing_cadence,
                "price": {"type": "unit", "amount": card.unit_price},
            }
            for card in self.rate_cards
        ]
        return [{"key": PHASE_KEY, "name": self.name, "rate_cards": cards}]

    def create_body(self) -> JsonObject:
        body: JsonObject = {
            "key": self.key,
            "name": self.name,
            "currency": self.currency,
            "billing_cadence": self.billing_cadence,
            "phases": self._phases(),
        }
        if self.description:
            body["description"] = self.description
        return body

    def update_body(self) -> JsonObject:
        body: JsonObject = {"name": self.name, "phases": self._phases()}
        if self.description:
            body["description"] = self.description
        return body


class CustomerSpec(Spec):
    kind: ClassVar[str] = "customer"
    immutable: ClassVar[tuple[str, ...]] = ("key",)
    key: str = Field(min_length=1, max_length=256)
    name: str = Field(min_length=1, max_length=256)
    subject_keys: tuple[str, ...] = ()

    @classmethod
    def observed(cls, api: JsonObject) -> CustomerSpec:
        attribution = api.get("usage_attribution") or {}
        return cls(
            key=api["key"],
            name=api["name"],
            subject_keys=tuple(sorted(attribution.get("subject_keys", []))),
        )

    @field_validator("subject_keys")
    @classmethod
    def _sorted(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # The server keeps a set; order carries no meaning.
        return tuple(sorted(set(value)))

    def create_body(self) -> JsonObject:
        return {
            "key": self.key,
            "name": self.name,
            "usage_attribution": {"subject_keys": list(self.subject_keys)},
        }

    def update_body(self) -> JsonObject:
        return {"name": self.name, "usage_attribution": {"subject_keys": list(self.subject_keys)}}


class SubscriptionSpec(Spec):
    kind: ClassVar[str] = "subscription"
    immutable: ClassVar[tuple[str, ...]] = ("customer_id", "plan_key")
    customer_id: Ulid
    plan_key: Key

    @property
    def ident(self) -> str:
        return f"{self.customer_id}->{self.plan_key}"

    @classmethod
    def observed(cls, api: JsonObject) -> SubscriptionSpec:
        return cls(customer_id=api["customer_id"], plan_key=(api.get("plan") or {}).get("key", ""))

    def create_body(self) -> JsonObject:
        return {"customer": {"id": self.customer_id}, "plan": {"key": self.plan_key}}


SPEC_TYPES: dict[str, type[Spec]] = {
    cls.kind: cls for cls in (MeterSpec, FeatureSpec, PlanSpec, CustomerSpec, SubscriptionSpec)
}
