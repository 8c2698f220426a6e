"""What every OpenMeter dynamic provider shares: credentials, check, diff, adopt-or-create.

Pickling rule: the engine pickles the provider object (dill) into the `__provider` property,
stored in state. So a provider holds only plain settings; clients are built inside each
method, and the API key arrives per call, either as a secret input (create/update) or from the
stack config the engine hands to `configure` in the provider process (read/delete, which get
only outputs, and outputs never carry the key).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pydantic import ValidationError

from openmeter_provisioning.client import JsonObject, OpenMeterClient
from openmeter_provisioning.errors import DriftError, OpenMeterError
from openmeter_provisioning.models import Spec

API_URL = "api_url"
API_KEY = "api_key"
CONFIG_KEY = "openmeterApiKey"


class OpenMeterProvider(ResourceProvider):
    spec_type: ClassVar[type[Spec]]
    # Inputs besides the spec and the connection, kept as given (e.g. retain_on_delete).
    options: ClassVar[dict[str, Any]] = {}
    path: ClassVar[str]
    # The HTTP method of an in-place update (PUT or PATCH), None where there is none.
    update_method: ClassVar[str | None] = None
    resolution: ClassVar[str] = "choose another key in the catalog"
    # Nothing secret is captured, so the serialized provider need not be a secret.
    serialize_as_secret_always = False

    def __init__(self, timeout: float = 15.0, max_attempts: int = 5) -> None:
        super().__init__()
        self.timeout = timeout
        self.max_attempts = max_attempts
        self._configured_key: str | None = None

    # --- credentials ------------------------------------------------------------------------
    def configure(self, req: ConfigureRequest) -> None:
        # Runs in the provider process after unpickling, never before pickling.
        # An unqualified key resolves in the stack's own project namespace.
        value = req.config.get(CONFIG_KEY)
        self._configured_key = str(value) if value else None

    def client(self, props: dict[str, Any]) -> OpenMeterClient:
        key = props.get(API_KEY) or self._configured_key
        if not key:
            raise ValueError(
                f"the OpenMeter API key is not available to the {self.spec_type.kind} provider: "
                f"pulumi config set --secret {CONFIG_KEY} <token>"
            )
        return OpenMeterClient(
            str(props[API_URL]), str(key), timeout=self.timeout, max_attempts=self.max_attempts
        )

    # --- inputs and outputs -----------------------------------------------------------------
    def spec_of(self, props: dict[str, Any]) -> Spec:
        fields = {name: props[name] for name in self.spec_type.model_fields if name in props}
        return self.spec_type.model_validate(fields)

    def outputs(self, props: dict[str, Any], spec: Spec, extra: JsonObject) -> JsonObject:
        # Never the API key: outputs are plaintext in state and visible to dependents.
        outs = spec.to_outputs()
        outs[API_URL] = str(props[API_URL]).rstrip("/")
        for name, default in self.options.items():
            outs[name] = props.get(name, default)
        outs.update(extra)
        return outs

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures: list[CheckFailure] = []
        inputs = dict(news)
        url = news.get(API_URL)
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            failures.append(CheckFailure(API_URL, "must be the http(s) base of the v3 API"))
        else:
            inputs[API_URL] = url.rstrip("/")
        # In a preview, an input computed from a resource not yet created (a feature's meter_id,
        # say) arrives as Unknown: it is not invalid, only not known until that resource exists.
        unknown = {name for name, value in news.items() if isinstance(value, Unknown)}
        try:
            spec = self.spec_of(news)
        except ValidationError as err:
            for error in err.errors(include_url=False):
                if error["loc"] and error["loc"][0] in unknown:
                    continue
                where = ".".join(str(p) for p in error["loc"]) or "inputs"
                failures.append(CheckFailure(where, error["msg"]))
        else:
            inputs.update(spec.to_outputs())
            failures.extend(self.check_transition(_olds, inputs))
        for name, default in self.options.items():
            inputs.setdefault(name, default)
        return CheckResult(inputs, failures)

    def check_transition(self, _olds: dict[str, Any], _news: dict[str, Any]) -> list[CheckFailure]:
        return []

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = self.spec_of(olds), self.spec_of(news)
        changed = old.changed_fields(new)
        changed += [n for n in self.options if olds.get(n) != news.get(n, self.options[n])]
        replaces = [f for f in changed if f in self.spec_type.immutable]
        if str(olds.get(API_URL, "")).rstrip("/") != str(news.get(API_URL, "")).rstrip("/"):
            # Another URL is another org: the object there is a different object.
            changed.append(API_URL)
            replaces.append(API_URL)
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            stables=[f for f in self.spec_type.immutable if f not in replaces],
            # Same key, other immutable field: the old object must go first or the new one
            # would collide with it (or, retained, be reported as drift naming the field).
            delete_before_replace=bool(replaces)
            and getattr(old, "key", 0) == getattr(new, "key", 1),
        )

    # --- lifecycle --------------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> CreateResult:
        spec = self.spec_of(props)
        with self.client(props) as client:
            found = self.find(client, spec)
            if found is None:
                try:
                    found = self.create_object(client, spec)
                except OpenMeterError as err:
                    # 400/409 on create may mean "already exists" (e.g. a retried create whose
                    # first answer was lost): look the key up before giving up.
                    if err.status not in (400, 409):
                        raise
                    found = self.find(client, spec)
                    if found is None:
                        raise
                    found = self.adopt(client, spec, found)
            else:
                found = self.adopt(client, spec, found)
            return CreateResult(
                self.id_of(found), self.outputs(props, spec, self.server_fields(found))
            )

    def adopt(self, client: OpenMeterClient, spec: Spec, found: JsonObject) -> JsonObject:
        observed = self.observed(found)
        clashing = [f for f in spec.immutable if getattr(observed, f) != getattr(spec, f)]
        if clashing:
            details = ", ".join(
                f"{f} is {getattr(observed, f)!r} but the catalog wants {getattr(spec, f)!r}"
                for f in clashing
            )
            raise DriftError(
                f"OpenMeter {spec.kind} {spec.ident!r} already exists (id {found.get('id')}) and "
                f"differs in fields the API cannot change: {details}. To resolve: "
                f"{self.resolution}."
            )
        if observed != spec:
            return self.update_object(client, self.id_of(found), observed, spec)
        return found

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client(props) as client:
            found = self.read_object(client, id_, props)
        if found is None:
            # An empty id tells the engine the object is gone.
            return ReadResult("", {})
        observed = self.observed(found)
        outs = self.outputs(props, observed, self.server_fields(found))
        return ReadResult(id_, outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old, new = self.spec_of(olds), self.spec_of(news)
        with self.client(news) as client:
            found = self.update_object(client, id_, old, new)
        return UpdateResult(self.outputs(news, new, self.server_fields(found)))

    # --- per kind ---------------------------------------------------------------------------
    def observed(self, found: JsonObject) -> Spec:
        observed: Spec = getattr(self.spec_type, "observed")(found)  # noqa: B009
        return observed

    def id_of(self, found: JsonObject) -> str:
        return str(found["id"])

    def server_fields(self, found: JsonObject) -> JsonObject:
        return {"object_id": found["id"]}

    def find(self, client: OpenMeterClient, spec: Spec) -> JsonObject | None:
        matches = client.find_by_key(spec.kind, self.path, spec.ident)
        return matches[0] if matches else None

    def create_object(self, client: OpenMeterClient, spec: Spec) -> JsonObject:
        body = getattr(spec, "create_body")()  # noqa: B009
        created = client.request(spec.kind, spec.ident, "POST", self.path, body=body)
        assert created is not None  # noqa: S101 - 201 always has a body
        return created

    def read_object(
        self, client: OpenMeterClient, id_: str, props: dict[str, Any]
    ) -> JsonObject | None:
        return client.get(self.spec_type.kind, str(props.get("key", id_)), f"{self.path}/{id_}")

    def update_object(self, client: OpenMeterClient, id_: str, old: Spec, new: Spec) -> JsonObject:
        """In-place update with the spec's update body; kinds the API updates otherwise
        (plans, subscriptions) override this."""
        if self.update_method is None:
            raise NotImplementedError(f"{self.spec_type.kind} has no in-place update")
        body = getattr(new, "update_body")()  # noqa: B009
        path = f"{self.path}/{id_}"
        updated = client.request(new.kind, new.ident, self.update_method, path, body=body)
        assert updated is not None  # noqa: S101 - 200 always has a body
        return updated

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self.client(props) as client:
            client.request(
                self.spec_type.kind,
                str(props.get("key", id_)),
                "DELETE",
                f"{self.path}/{id_}",
                missing_ok=True,
            )
