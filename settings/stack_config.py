"""The flat, typed view of one stack's Pulumi config.

Every config key the program reads is a field here, named by its alias. This model is the single
source of truth for keys: `Pulumi.yaml`'s `config:` block and the README's configuration
reference are checked against it by the test suite.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic.config import JsonDict

SECRET: JsonDict = {"secret": True}

PositiveInt = Annotated[int, Field(gt=0)]
Port = Annotated[int, Field(ge=1, le=65535)]


class StackConfig(BaseModel):
    """Raw stack config, one field per `clearinghouse:<key>`; validated per field only."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=True)

    # --- parts -------------------------------------------------------------------------------
    runtime_enabled: bool = Field(
        True,
        alias="runtimeEnabled",
        description="Declare the container runtime (network, broker, signer, collector). "
        "false gives a metering-only stack.",
    )
    metering: Literal["auto", "on", "off"] = Field(
        "auto",
        alias="metering",
        description="OpenMeter metering: auto (on when openmeterApiKey and an OpenMeter URL or "
        "Konnect region are set), on (require them), off (runtime-only stack).",
    )
    metering_manage_catalog: bool = Field(
        True,
        alias="meteringManageCatalog",
        description="Declare the catalog (meters, features, plan, customers) in this stack. "
        "false when another stack owns the catalog and this one only runs the collector.",
    )

    # --- docker --------------------------------------------------------------------------------
    docker_host: str = Field(
        "unix:///var/run/docker.sock",
        alias="dockerHost",
        description="Docker daemon the containers run on: unix:///path or ssh://user@host.",
    )

    # --- kafka ---------------------------------------------------------------------------------
    kafka_mode: Literal["embedded", "external"] = Field(
        "embedded",
        alias="kafkaMode",
        description="embedded: run Redpanda in this stack; external: use kafkaBrokers.",
    )
    kafka_brokers: tuple[str, ...] = Field(
        (),
        alias="kafkaBrokers",
        description="External Kafka bootstrap servers as host:port (kafkaMode=external only).",
    )
    kafka_sasl_user: str | None = Field(
        None,
        alias="kafkaSaslUser",
        description="External Kafka SASL/PLAIN user; go-livepeer then always uses TLS >= 1.2.",
    )
    kafka_sasl_password: SecretStr | None = Field(
        None,
        alias="kafkaSaslPassword",
        description="External Kafka SASL/PLAIN password.",
        json_schema_extra=SECRET,
    )
    kafka_topic: str = Field(
        "livepeer-gateway-events",
        alias="kafkaTopic",
        description="Topic the signer publishes create_signed_ticket events to.",
        pattern=r"^[A-Za-z0-9._-]{1,249}$",
    )
    kafka_dead_letter_topic: str = Field(
        "livepeer-gateway-events-dlq",
        alias="kafkaDeadLetterTopic",
        description="Topic for events the collector cannot map or that ingest rejects.",
        pattern=r"^[A-Za-z0-9._-]{1,249}$",
    )
    kafka_topic_partitions: PositiveInt = Field(
        1,
        alias="kafkaTopicPartitions",
        description="Partitions of the topics when this stack creates them (embedded mode).",
    )
    kafka_topic_retention_ms: PositiveInt = Field(
        604_800_000,
        alias="kafkaTopicRetentionMs",
        description="retention.ms of both topics (embedded mode); default 7 days.",
    )

    # --- redpanda ------------------------------------------------------------------------------
    redpanda_image: str = Field(
        "docker.redpanda.com/redpandadata/redpanda:v24.2.4",
        alias="redpandaImage",
        description="Redpanda image, pinned by tag or by digest (repo@sha256:...).",
    )
    redpanda_dev_mode: bool = Field(
        False,
        alias="redpandaDevMode",
        description="Start Redpanda with --mode dev-container (unsafe fsync bypass: laptops only).",
    )
    redpanda_smp: PositiveInt = Field(1, alias="redpandaSmp", description="Redpanda --smp (cores).")
    redpanda_memory_mib: PositiveInt = Field(
        1024,
        alias="redpandaMemoryMiB",
        description="Redpanda --memory in MiB; at least 512 per core (--smp). The container "
        "limit adds headroom on top.",
    )
    redpanda_cpus: str = Field(
        "1.0", alias="redpandaCpus", description="CPU limit of the Redpanda container."
    )
    redpanda_reactor_backend: Literal["", "epoll", "linux-aio"] = Field(
        "",
        alias="redpandaReactorBackend",
        description="Seastar reactor backend; epoll helps on hosts with low fs.aio-max-nr.",
    )

    # --- signer --------------------------------------------------------------------------------
    signer_image: str = Field(
        "livepeer/go-livepeer:v0.8.11",
        alias="signerImage",
        description="go-livepeer image, pinned by tag or by digest.",
    )
    signer_network: str = Field(
        "arbitrum-one-mainnet",
        alias="signerNetwork",
        description="go-livepeer -network.",
    )
    signer_eth_url: SecretStr | None = Field(
        None,
        alias="signerEthUrl",
        description="Chain JSON-RPC URL (often embeds a provider key; never on the command "
        "line). Required when the runtime is on.",
        json_schema_extra=SECRET,
    )
    signer_keystore_password: SecretStr | None = Field(
        None,
        alias="signerKeystorePassword",
        description="Password of the signer's keystore. Required when the runtime is on.",
        json_schema_extra=SECRET,
    )
    signer_keystore_json: SecretStr | None = Field(
        None,
        alias="signerKeystoreJson",
        description="Encrypted keystore JSON of the signer account, uploaded into the "
        "container. Unset: go-livepeer uses (or creates) a key in the data directory.",
        json_schema_extra=SECRET,
    )
    signer_account_address: str | None = Field(
        None,
        alias="signerAccountAddress",
        description="go-livepeer -ethAcctAddr (0x + 40 hex) when the keystore holds several.",
        pattern=r"^0x[0-9a-fA-F]{40}$",
    )
    signer_http_port: Port = Field(
        8081, alias="signerHttpPort", description="Signing port inside the container."
    )
    signer_host_port: Port = Field(
        8081, alias="signerHostPort", description="Host port the signing port is published on."
    )
    signer_bind_address: str = Field(
        "127.0.0.1",
        alias="signerBindAddress",
        description="Host address the signing port binds; anything but loopback requires "
        "signerWebhookUrl and signerWebhookSecret.",
    )
    signer_webhook_url: str | None = Field(
        None,
        alias="signerWebhookUrl",
        description="Identity webhook called before each payment is signed.",
    )
    signer_webhook_secret: SecretStr | None = Field(
        None,
        alias="signerWebhookSecret",
        description="Bearer secret sent to the webhook (no commas).",
        json_schema_extra=SECRET,
    )
    signer_data_host_path: str | None = Field(
        None,
        alias="signerDataHostPath",
        description="Absolute host path for /data; unset uses a named volume.",
    )
    signer_memory_mib: PositiveInt = Field(
        1024, alias="signerMemoryMiB", description="Memory limit of the signer container."
    )
    signer_cpus: str = Field("1.0", alias="signerCpus", description="CPU limit of the signer.")

    # --- openmeter and collector ----------------------------------------------------------------
    openmeter_url: str | None = Field(
        None,
        alias="openmeterUrl",
        description="Base URL of a self-hosted OpenMeter v3 API, e.g. "
        "http://openmeter:8888/api/v3/openmeter.",
    )
    openmeter_konnect_region: Literal["us", "eu", "au", "me", "in"] | None = Field(
        None,
        alias="openmeterKonnectRegion",
        description="Kong Konnect region of the org (us, eu, au, me, in).",
    )
    openmeter_api_key: SecretStr | None = Field(
        None,
        alias="openmeterApiKey",
        description="OpenMeter / Konnect API token (kpat_... or spat_...).",
        json_schema_extra=SECRET,
    )
    metering_retain_meters: bool = Field(
        True,
        alias="meteringRetainMeters",
        description="Keep meters when they leave the catalog or the stack is destroyed "
        "(deleting a meter hides its usage history).",
    )
    metering_customers: tuple[str, ...] = Field(
        (),
        alias="meteringCustomers",
        description='Customers, each a JSON object string: {"client_id": "...", '
        '"external_user_id": "...", "name": "...", "subscribe": true}.',
    )
    collector_image: str = Field(
        "ghcr.io/openmeterio/benthos-collector:v1.0.0-beta.232",
        alias="collectorImage",
        description="OpenMeter benthos-collector image, pinned by tag or by digest.",
    )
    collector_eth_usd_price: str | None = Field(
        None,
        alias="collectorEthUsdPrice",
        description="Static ETH/USD price (decimal string). Exactly one of this and "
        "collectorPriceUrl is required when the collector runs.",
    )
    collector_price_url: str | None = Field(
        None,
        alias="collectorPriceUrl",
        description='Price URL answering {"price": ...}, {"ethereum": {"usd": ...}} or '
        '{"data": {"amount": "..."}}.',
    )
    collector_price_refresh_seconds: PositiveInt = Field(
        300,
        alias="collectorPriceRefreshSeconds",
        description="How often the price URL is fetched again.",
    )
    collector_source: str | None = Field(
        None,
        alias="collectorSource",
        description="CloudEvent source naming this signer; default clearinghouse-signer-<stack>.",
    )
    collector_consumer_group: str = Field(
        "clearinghouse-collector",
        alias="collectorConsumerGroup",
        description="Kafka consumer group of the collector.",
    )
    collector_batch_size: PositiveInt = Field(
        100, alias="collectorBatchSize", description="CloudEvents per ingest request."
    )
    collector_batch_period: str = Field(
        "1s",
        alias="collectorBatchPeriod",
        description="Longest wait before a partial batch is sent (Benthos duration).",
        pattern=r"^\d+(ms|s|m)$",
    )
    collector_max_in_flight: PositiveInt = Field(
        4, alias="collectorMaxInFlight", description="Concurrent ingest requests."
    )
    collector_memory_mib: PositiveInt = Field(
        256, alias="collectorMemoryMiB", description="Memory limit of the collector container."
    )
    collector_cpus: str = Field(
        "0.5", alias="collectorCpus", description="CPU limit of the collector."
    )


def config_fields() -> dict[str, tuple[str, bool]]:
    """Map each config key to (python field name, is secret)."""
    out: dict[str, tuple[str, bool]] = {}
    for name, info in StackConfig.model_fields.items():
        extra = info.json_schema_extra
        secret = isinstance(extra, dict) and extra.get("secret") is True
        out[info.alias or name] = (name, secret)
    return out
