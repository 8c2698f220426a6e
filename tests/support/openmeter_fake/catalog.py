"""Server-side rules for meters, features and versioned plans, as the OpenMeter server applies them.

Records are kept in the contract's response shape; soft-deleted records stay (with
`deleted_at`) so keys can be reused while history is kept, as on the real server.
"""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any

from tests.support.openmeter_fake.ids import new_record, now_iso
from tests.support.openmeter_fake.problems import ApiProblem

Record = dict[str, Any]
RESERVED_DIMENSIONS = frozenset({"subject", "customer_id"})


def live(records: dict[str, Record]) -> list[Record]:
    return [r for r in records.values() if "deleted_at" not in r]


def get_live(records: dict[str, Record], kind: str, record_id: str) -> Record:
    record = records.get(record_id)
    if record is None or "deleted_at" in record:
        raise ApiProblem(404, f"{kind} {record_id} not found")
    return record


def normalize_numeric(value: str) -> str:
    # The server stores arbitrary-precision numbers and prints them canonically ("1.20" -> "1.2").
    try:
        return format(Decimal(value).normalize(), "f")
    except InvalidOperation as err:
        raise ApiProblem(400, f"invalid number {value!r}", "amount") from err


class CatalogState:
    def __init__(self) -> None:
        self.meters: dict[str, Record] = {}
        self.features: dict[str, Record] = {}
        self.plans: dict[str, Record] = {}

    # --- meters ---------------------------------------------------------------------------
    def create_meter(self, body: Record) -> Record:
        key = body["key"]
        if any(m["key"] == key for m in live(self.meters)):
            raise ApiProblem(400, f"meter with key {key} already exists", "key", "already exists")
        aggregation = body["aggregation"]
        if aggregation == "count" and "value_property" in body:
            raise ApiProblem(400, "count meters must not set value_property", "value_property")
        if aggregation != "count" and not body.get("value_property"):
            raise ApiProblem(400, f"{aggregation} meters need value_property", "value_property")
        self._check_dimensions(body.get("dimensions", {}))
        record = new_record({"labels": {}, "dimensions": {}, **copy.deepcopy(body)})
        self.meters[record["id"]] = record
        return record

    @staticmethod
    def _check_dimensions(dimensions: dict[str, str]) -> None:
        reserved = RESERVED_DIMENSIONS.intersection(dimensions)
        if reserved:
            raise ApiProblem(400, f"dimensions {sorted(reserved)} are reserved", "dimensions")

    def update_meter(self, meter_id: str, body: Record) -> Record:
        record = get_live(self.meters, "meter", meter_id)
        self._check_dimensions(body.get("dimensions", {}))
        for name in ("name", "description", "labels", "dimensions"):
            if name in body:
                record[name] = copy.deepcopy(body[name])
        record["updated_at"] = now_iso()
        return record

    def delete_meter(self, meter_id: str) -> None:
        record = get_live(self.meters, "meter", meter_id)
        users = [f["key"] for f in live(self.features) if f.get("meter", {}).get("id") == meter_id]
        if users:
            # The server answers 409; the contract lists no 409 for this operation, so the fake
            # keeps to the contract with a 400 that names the blocking features.
            raise ApiProblem(400, f"meter is used by features {users}", "id", "meter in use")
        record["deleted_at"] = now_iso()

    # --- features -------------------------------------------------------------------------
    def create_feature(self, body: Record) -> Record:
        key = body["key"]
        if any(f["key"] == key for f in live(self.features)):
            raise ApiProblem(400, f"feature with key {key} already exists", "key", "already exists")
        meter_ref = body.get("meter")
        if meter_ref is not None:
            meter = self.meters.get(meter_ref["id"])
            if meter is None or "deleted_at" in meter:
                raise ApiProblem(400, f"meter {meter_ref['id']} not found", "meter.id")
        record = new_record(copy.deepcopy(body))
        if "unit_cost" in record and record["unit_cost"].get("type") == "manual":
            record["unit_cost"]["amount"] = normalize_numeric(record["unit_cost"]["amount"])
        self.features[record["id"]] = record
        return record

    def get_feature(self, feature_id: str) -> Record:
        # Archived features stay readable, with deleted_at set.
        record = self.features.get(feature_id)
        if record is None:
            raise ApiProblem(404, f"feature {feature_id} not found")
        return record

    def patch_feature(self, feature_id: str, body: Record) -> Record:
        record = get_live(self.features, "feature", feature_id)
        if "unit_cost" in body:
            if body["unit_cost"] is None:
                record.pop("unit_cost", None)
            else:
                record["unit_cost"] = copy.deepcopy(body["unit_cost"])
                if record["unit_cost"].get("type") == "manual":
                    record["unit_cost"]["amount"] = normalize_numeric(record["unit_cost"]["amount"])
        record["updated_at"] = now_iso()
        return record

    def archive_feature(self, feature_id: str) -> None:
        get_live(self.features, "feature", feature_id)
        users = [
            p["key"]
            for p in live(self.plans)
            if p["status"] == "active" and feature_id in _plan_feature_ids(p)
        ]
        if users:
            raise ApiProblem(400, f"feature is used by active plans {users}", "id", "in use")
        self.features[feature_id]["deleted_at"] = now_iso()

    # --- plans ----------------------------------------------------------------------------
    def _check_rate_cards(self, phases: list[Record]) -> None:
        for phase in phases:
            for card in phase["rate_cards"]:
                feature_id = card.get("feature", {}).get("id")
                if feature_id is None:
                    continue
                feature = self.features.get(feature_id)
                if feature is None or "deleted_at" in feature:
                    raise ApiProblem(400, f"feature {feature_id} not found", "rate_cards.feature")

    @staticmethod
    def _fill_phases(phases: list[Record]) -> list[Record]:
        filled = copy.deepcopy(phases)
        for phase in filled:
            for card in phase["rate_cards"]:
                card.setdefault("payment_term", "in_arrears")
                price = card.get("price", {})
                if "amount" in price:
                    price["amount"] = normalize_numeric(price["amount"])
        return filled

    def create_plan(self, body: Record) -> Record:
        key = body["key"]
        versions = [p for p in self.plans.values() if p["key"] == key]
        if any(p["status"] == "draft" and "deleted_at" not in p for p in versions):
            raise ApiProblem(
                400, f"plan {key} already has a draft version; only one draft is allowed", "key"
            )
        self._check_rate_cards(body["phases"])
        record = new_record(
            {
                "labels": {},
                "pro_rating_enabled": True,
                "settlement_mode": "credit_then_invoice",
                "validation_errors": [],
                **copy.deepcopy(body),
                "version": max((p["version"] for p in versions), default=0) + 1,
                "status": "draft",
            }
        )
        record["phases"] = self._fill_phases(body["phases"])
        self.plans[record["id"]] = record
        return record

    def update_plan(self, plan_id: str, body: Record) -> Record:
        record = get_live(self.plans, "plan", plan_id)
        if record["status"] not in ("draft", "scheduled"):
            raise ApiProblem(400, f"plan version is {record['status']}; only drafts can change")
        self._check_rate_cards(body["phases"])
        for name in ("name", "description", "labels", "pro_rating_enabled"):
            if name in body:
                record[name] = copy.deepcopy(body[name])
        record["phases"] = self._fill_phases(body["phases"])
        record["updated_at"] = now_iso()
        return record

    def publish_plan(self, plan_id: str) -> Record:
        record = get_live(self.plans, "plan", plan_id)
        if record["status"] != "draft":
            raise ApiProblem(400, f"plan version is {record['status']}; only drafts can publish")
        stamp = now_iso()
        for other in live(self.plans):
            if other["key"] == record["key"] and other["status"] == "active":
                other.update(status="archived", effective_to=stamp, updated_at=stamp)
        record.update(status="active", effective_from=stamp, updated_at=stamp)
        return record

    def archive_plan(self, plan_id: str) -> Record:
        record = get_live(self.plans, "plan", plan_id)
        if record["status"] != "active":
            raise ApiProblem(400, f"plan version is {record['status']}; only active archives")
        stamp = now_iso()
        record.update(status="archived", effective_to=stamp, updated_at=stamp)
        return record

    def delete_plan(self, plan_id: str) -> None:
        record = get_live(self.plans, "plan", plan_id)
        if record["status"] not in ("draft", "scheduled"):
            raise ApiProblem(400, f"plan version is {record['status']}; archive it instead")
        record["deleted_at"] = now_iso()

    def active_plan(self, key: str, version: int | None = None) -> Record | None:
        for plan in live(self.plans):
            if plan["key"] != key:
                continue
            if version is None and plan["status"] == "active":
                return plan
            if version is not None and plan["version"] == version:
                return plan
        return None


def _plan_feature_ids(plan: Record) -> set[str]:
    return {
        card["feature"]["id"]
        for phase in plan["phases"]
        for card in phase["rate_cards"]
        if "feature" in card
    }
