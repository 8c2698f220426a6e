"""Typed metering catalog: meters, features, the default plan and markup rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# OpenMeter's ResourceKey pattern (openapi.v3.yaml, components.schemas.ResourceKey).
ResourceKey = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:_[a-z0-9]+)*$", max_length=64)]
# Event data property names: plain identifiers, so `$.<name>` is a valid JSONPath.
PropertyName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
RESERVED_DIMENSIONS = frozenset({"subject", "customer_id"})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Meter(_Frozen):
    key: ResourceKey
    name: str = Field(min_length=1, max_length=256)
    description: str = Field("", max_length=1024)
    aggregation: Literal["sum", "count", "avg", "min", "max", "unique_count", "latest"]
    value_property: PropertyName | None = None
    dimensions: tuple[PropertyName, ...] = ()

    @model_validator(mode="after")
    def _value_property_matches_aggregation(self) -> Self:
        if self.aggregation == "count" and self.value_property is not None:
            raise ValueError(
                f"meter {self.key}: a count meter must not set value_property "
                "(OpenMeter rejects it); remove it"
            )
        if self.aggregation != "count" and self.value_property is None:
            raise ValueError(f"meter {self.key}: {self.aggregation} needs a value_property")
        return self

    @field_validator("dimensions")
    @classmethod
    def _no_reserved_or_repeated(cls, dims: tuple[str, ...]) -> tuple[str, ...]:
        reserved = RESERVED_DIMENSIONS.intersection(dims)
        if reserved:
            raise ValueError(f"dimension names {sorted(reserved)} are reserved by OpenMeter")
        if len(set(dims)) != len(dims):
            raise ValueError("dimension names must be unique")
        return dims

    @property
    def value_jsonpath(self) -> str | None:
        return None if self.value_property is None else f"$.{self.value_property}"

    @property
    def dimension_jsonpaths(self) -> dict[str, str]:
        return {dim: f"$.{dim}" for dim in self.dimensions}

    @property
    def data_properties(self) -> frozenset[str]:
        props = set(self.dimensions)
        if self.value_property is not None:
            props.add(self.value_property)
        return frozenset(props)


class Feature(_Frozen):
    key: ResourceKey
    name: str = Field(min_length=1, max_length=256)
    meter: ResourceKey


class RateCard(_Frozen):
    key: ResourceKey
    name: str = Field(min_length=1, max_length=256)
    feature: ResourceKey
    unit_price: Decimal = Field(gt=0)


class Plan(_Frozen):
    key: ResourceKey
    name: str = Field(min_length=1, max_length=256)
    description: str = ""
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    billing_cadence: str = Field(pattern=r"^P\d+[DWMY]$")
    rate_cards: tuple[RateCard, ...] = Field(min_length=1)


class MarkupRule(_Frozen):
    pipeline: str = Field(min_length=1)
    model_id: str | None = None
    multiplier: Decimal = Field(gt=0)


class Markup(_Frozen):
    default_multiplier: Decimal = Field(gt=0)
    rules: tuple[MarkupRule, ...] = ()

    @model_validator(mode="after")
    def _rules_unique(self) -> Self:
        seen = [(rule.pipeline, rule.model_id) for rule in self.rules]
        if len(set(seen)) != len(seen):
            raise ValueError("markup rules repeat a (pipeline, model_id) pair")
        return self

    def multiplier_for(self, pipeline: str | None, model_id: str | None) -> Decimal:
        """Most specific rule wins: pipeline+model, then pipeline alone, then the default."""
        for rule in self.rules:
            if (
                rule.pipeline == pipeline
                and rule.model_id is not None
                and rule.model_id == model_id
            ):
                return rule.multiplier
        for rule in self.rules:
            if rule.pipeline == pipeline and rule.model_id is None:
                return rule.multiplier
        return self.default_multiplier


class Catalog(_Frozen):
    event_type: str = Field(min_length=1)
    meters: tuple[Meter, ...] = Field(min_length=1)
    features: tuple[Feature, ...] = ()
    plan: Plan
    markup: Markup

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        for kind, keys in (
            ("meter", [m.key for m in self.meters]),
            ("feature", [f.key for f in self.features]),
        ):
            if len(set(keys)) != len(keys):
                raise ValueError(f"{kind} keys must be unique")
        meter_keys = {m.key for m in self.meters}
        for feature in self.features:
            if feature.meter not in meter_keys:
                raise ValueError(
                    f"feature {feature.key} names meter {feature.meter}, which the catalog "
                    "does not declare"
                )
        feature_keys = {f.key for f in self.features}
        for card in self.plan.rate_cards:
            if card.feature not in feature_keys:
                raise ValueError(
                    f"plan {self.plan.key} rate card {card.key} names feature {card.feature}, "
                    "which the catalog does not declare"
                )
        return self

    def meter(self, key: str) -> Meter:
        return next(m for m in self.meters if m.key == key)

    @property
    def data_properties(self) -> frozenset[str]:
        """Every CloudEvent data property some meter reads: the collector must emit all of them."""
        props: set[str] = set()
        for meter in self.meters:
            props |= meter.data_properties
        return frozenset(props)
