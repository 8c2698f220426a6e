"""Server-side rules for customers (subject keys) and subscriptions."""

from __future__ import annotations

import copy

from tests.support.openmeter_fake.catalog import CatalogState, Record, get_live, live
from tests.support.openmeter_fake.ids import new_record, now_iso
from tests.support.openmeter_fake.problems import ApiProblem


class BillingState:
    def __init__(self, catalog: CatalogState) -> None:
        self.catalog = catalog
        self.customers: dict[str, Record] = {}
        self.subscriptions: dict[str, Record] = {}

    # --- customers ------------------------------------------------------------------------
    def _check_subjects(self, subjects: list[str], customer_id: str | None) -> None:
        for other in live(self.customers):
            if other["id"] == customer_id:
                continue
            taken = set(subjects) & set(other["usage_attribution"]["subject_keys"])
            if taken:
                raise ApiProblem(
                    400,
                    f"subject keys {sorted(taken)} already belong to customer {other['key']}",
                    "usage_attribution.subject_keys",
                )

    def create_customer(self, body: Record) -> Record:
        key = body["key"]
        if any(c["key"] == key for c in live(self.customers)):
            raise ApiProblem(400, f"customer with key {key} already exists", "key", "exists")
        attribution = body.get("usage_attribution", {"subject_keys": []})
        self._check_subjects(attribution["subject_keys"], None)
        record = new_record(
            {
                "labels": {},
                **copy.deepcopy(body),
                "usage_attribution": copy.deepcopy(attribution),
            }
        )
        self.customers[record["id"]] = record
        return record

    def has_active_subscription(self, customer_id: str) -> bool:
        return any(
            s["customer_id"] == customer_id and s["status"] == "active"
            for s in self.subscriptions.values()
        )

    def upsert_customer(self, customer_id: str, body: Record) -> Record:
        record = get_live(self.customers, "customer", customer_id)
        attribution = body.get("usage_attribution", {"subject_keys": []})
        old = record["usage_attribution"]["subject_keys"]
        if sorted(attribution["subject_keys"]) != sorted(old) and self.has_active_subscription(
            customer_id
        ):
            raise ApiProblem(
                400,
                "subject keys cannot change while the customer has an active subscription",
                "usage_attribution.subject_keys",
            )
        self._check_subjects(attribution["subject_keys"], customer_id)
        for name in ("description", "primary_email", "currency", "billing_address"):
            record.pop(name, None)
        record.update(copy.deepcopy(body))
        record["usage_attribution"] = copy.deepcopy(attribution)
        record.setdefault("labels", {})
        record["updated_at"] = now_iso()
        return record

    def delete_customer(self, customer_id: str) -> None:
        record = get_live(self.customers, "customer", customer_id)
        if self.has_active_subscription(customer_id):
            raise ApiProblem(400, "customer has an active subscription; cancel it first", "id")
        record["deleted_at"] = now_iso()

    # --- subscriptions --------------------------------------------------------------------
    def _customer_for(self, ref: Record) -> Record:
        if "id" in ref:
            return get_live(self.customers, "customer", ref["id"])
        for customer in live(self.customers):
            if customer["key"] == ref.get("key"):
                return customer
        raise ApiProblem(404, f"customer {ref.get('key')} not found")

    def _plan_for(self, ref: Record) -> Record:
        if "id" in ref:
            plan = get_live(self.catalog.plans, "plan", ref["id"])
        else:
            found = self.catalog.active_plan(ref.get("key", ""), ref.get("version"))
            if found is None:
                raise ApiProblem(404, f"plan {ref.get('key')} has no active version")
            plan = found
        if plan["status"] != "active":
            raise ApiProblem(400, f"plan version is {plan['status']}, not active", "plan")
        return plan

    def create_subscription(self, body: Record) -> Record:
        customer = self._customer_for(body["customer"])
        plan = self._plan_for(body["plan"])
        if self.has_active_subscription(customer["id"]):
            raise ApiProblem(409, f"customer {customer['key']} already has an active subscription")
        stamp = now_iso()
        record = new_record(
            {
                "labels": copy.deepcopy(body.get("labels", {})),
                "name": plan["name"],
                "active_from": stamp,
                "customer_id": customer["id"],
                "plan_id": plan["id"],
                "plan": {"id": plan["id"], "key": plan["key"], "version": plan["version"]},
                "invoice_currency": plan["currency"] if len(plan["currency"]) == 3 else "USD",
                "cost_basis_mode": body.get("cost_basis_mode", "dynamic"),
                "cost_basis_pins": [],
                "billing_cadence": plan["billing_cadence"],
                "billing_anchor": body.get("billing_anchor", stamp),
                "status": "active",
                "phases": [],
            },
            stamp,
        )
        self.subscriptions[record["id"]] = record
        return record

    def cancel_subscription(self, subscription_id: str) -> Record:
        record = get_live(self.subscriptions, "subscription", subscription_id)
        if record["status"] != "active":
            raise ApiProblem(400, f"subscription is {record['status']}", "id")
        stamp = now_iso()
        record.update(status="canceled", active_to=stamp, updated_at=stamp)
        return record
