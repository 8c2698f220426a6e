"""The typed settings tree that components consume, built once from a validated StackConfig."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, SecretStr

# Fixed by design, not config: the admin port is bound to loopback inside the container and
# never published, so nothing outside the container ever needs to know another number.
SIGNER_CLI_PORT = 4935
REDPANDA_KAFKA_PORT = 9092
REDPANDA_ADMIN_PORT = 9644
COLLECTOR_METRICS_PORT = 4195


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KafkaSasl(_Frozen):
    user: str
    password: SecretStr


class KafkaSettings(_Frozen):
    embedded: bool
    # Bootstrap servers as the signer and collector dial them.
    brokers: tuple[str, ...]
    topic: str
    dead_letter_topic: str
    partitions: int
    retention_ms: int
    # SASL/PLAIN always goes with TLS: it is the only secured mode go-livepeer speaks.
    sasl: KafkaSasl | None


class RedpandaSettings(_Frozen):
    image: str
    network_alias: str
    dev_mode: bool
    smp: int
    memory_mib: int
    container_memory_mib: int
    cpus: str
    reactor_backend: str


class Webhook(_Frozen):
    url: str
    secret: SecretStr


class SignerSettings(_Frozen):
    image: str
    network: str
    eth_url: SecretStr
    keystore_password: SecretStr
    keystore_json: SecretStr | None
    account_address: str | None
    http_port: int
    host_port: int
    bind_address: str
    webhook: Webhook | None
    data_host_path: str | None
    memory_mib: int
    cpus: str

    @property
    def cli_port(self) -> int:
        return SIGNER_CLI_PORT


class StaticPrice(_Frozen):
    eth_usd: Decimal


class PriceUrl(_Frozen):
    url: str
    refresh_seconds: int


class OpenMeterConnection(_Frozen):
    # Base of the v3 API, without a trailing slash: ".../v3/openmeter" or ".../api/v3/openmeter".
    api_url: str
    api_key: SecretStr

    @property
    def ingest_url(self) -> str:
        return f"{self.api_url}/events"


class CollectorSettings(_Frozen):
    image: str
    price: StaticPrice | PriceUrl
    source: str
    consumer_group: str
    batch_size: int
    batch_period: str
    max_in_flight: int
    memory_mib: int
    cpus: str


class Customer(_Frozen):
    client_id: str
    external_user_id: str
    name: str
    subscribe: bool

    @property
    def key(self) -> str:
        # The collector's CloudEvent subject is the compound auth id, so key == subject key.
        return f"{self.client_id}:{self.external_user_id}"


class MeteringSettings(_Frozen):
    connection: OpenMeterConnection
    manage_catalog: bool
    retain_meters: bool
    customers: tuple[Customer, ...]


class RuntimeSettings(_Frozen):
    docker_host: str
    network_prefix: str
    kafka: KafkaSettings
    redpanda: RedpandaSettings | None
    signer: SignerSettings
    # None when metering is off: nothing to send events to.
    collector: CollectorSettings | None


class Settings(_Frozen):
    project: str
    stack: str
    runtime: RuntimeSettings | None
    metering: MeteringSettings | None

    @property
    def labels(self) -> dict[str, str]:
        return {
            "clearinghouse.project": self.project,
            "clearinghouse.stack": self.stack,
            "clearinghouse.managed-by": "pulumi",
        }
