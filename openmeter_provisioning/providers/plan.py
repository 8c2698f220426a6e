"""Plans are versioned: an active version is never edited.

Converging means: if the active version already matches, nothing; otherwise take the draft a
failed run left behind (or create one), make it match, publish it (the server archives the
previous active version). The Pulumi id is the plan key, stable across versions; outputs carry
the active version's id and number.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CreateResult, UpdateResult

from openmeter_provisioning.client import JsonObject, OpenMeterClient
from openmeter_provisioning.errors import OpenMeterError
from openmeter_provisioning.models import PlanSpec, Spec
from openmeter_provisioning.providers.base import OpenMeterProvider


class PlanProvider(OpenMeterProvider):
    spec_type = PlanSpec
    path = "/plans"

    def id_of(self, found: JsonObject) -> str:
        return str(found["key"])

    def server_fields(self, found: JsonObject) -> JsonObject:
        return {"plan_id": found["id"], "version": found["version"]}

    def versions(self, client: OpenMeterClient, key: str) -> list[JsonObject]:
        # One list call returns every version (draft, active, archived) of the key.
        return client.find_by_key("plan", self.path, key)

    def converge(self, client: OpenMeterClient, spec: PlanSpec) -> JsonObject:
        versions = self.versions(client, spec.key)
        active = next((v for v in versions if v["status"] == "active"), None)
        if active is not None and PlanSpec.observed(active) == spec:
            return active
        draft = next((v for v in versions if v["status"] == "draft"), None)
        if draft is None:
            try:
                draft = self._request(client, spec, "POST", self.path, spec.create_body())
            except OpenMeterError as err:
                # Only one draft per plan: a lost answer to an earlier create left one behind.
                if err.status not in (400, 409):
                    raise
                draft = next(
                    (v for v in self.versions(client, spec.key) if v["status"] == "draft"), None
                )
                if draft is None:
                    raise
        if PlanSpec.observed(draft) != spec:
            draft = self._request(
                client, spec, "PUT", f"{self.path}/{draft['id']}", spec.update_body()
            )
        return self._request(client, spec, "POST", f"{self.path}/{draft['id']}/publish", None)

    @staticmethod
    def _request(
        client: OpenMeterClient, spec: PlanSpec, method: str, path: str, body: JsonObject | None
    ) -> JsonObject:
        found = client.request("plan", spec.key, method, path, body=body)
        assert found is not None  # noqa: S101 - these answers always carry the plan
        return found

    def create(self, props: dict[str, Any]) -> CreateResult:
        spec = self.spec_of(props)
        assert isinstance(spec, PlanSpec)  # noqa: S101 - only plans here
        with self.client(props) as client:
            active = self.converge(client, spec)
        return CreateResult(spec.key, self.outputs(props, spec, self.server_fields(active)))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        spec = self.spec_of(news)
        assert isinstance(spec, PlanSpec)  # noqa: S101 - only plans here
        with self.client(news) as client:
            active = self.converge(client, spec)
        return UpdateResult(self.outputs(news, spec, self.server_fields(active)))

    def update_object(self, client: OpenMeterClient, id_: str, old: Spec, new: Spec) -> JsonObject:
        assert isinstance(new, PlanSpec)  # noqa: S101 - only plans here
        return self.converge(client, new)

    def read_object(
        self, client: OpenMeterClient, id_: str, props: dict[str, Any]
    ) -> JsonObject | None:
        versions = self.versions(client, id_)
        return next((v for v in versions if v["status"] == "active"), None)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        # Archive the active version (subscriptions keep it), drop any unpublished draft.
        with self.client(props) as client:
            for version in self.versions(client, id_):
                path = f"{self.path}/{version['id']}"
                if version["status"] == "active":
                    client.request("plan", id_, "POST", f"{path}/archive")
                elif version["status"] in ("draft", "scheduled"):
                    client.request("plan", id_, "DELETE", path, missing_ok=True)
