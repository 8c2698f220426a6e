"""Parse a stack's raw config once into the typed Settings tree, or fail with every issue."""

from __future__ import annotations

import difflib
import json
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from settings import rules
from settings.errors import ConfigError, ConfigIssue
from settings.model import (
    REDPANDA_KAFKA_PORT,
    CollectorSettings,
    Customer,
    KafkaSasl,
    KafkaSettings,
    MeteringSettings,
    OpenMeterConnection,
    PriceUrl,
    RedpandaSettings,
    RuntimeSettings,
    Settings,
    SignerSettings,
    StaticPrice,
    Webhook,
)
from settings.stack_config import StackConfig, config_fields

REDPANDA_ALIAS = "redpanda"


class _CustomerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    client_id: str = Field(pattern=r"^[^:\s]+$", description="no colon: first-colon split")
    external_user_id: str = Field(min_length=1, pattern=r"^\S+$")
    name: str | None = None
    subscribe: bool = True


def load_settings(
    raw: Mapping[str, Any], secret_keys: set[str], project: str, stack: str
) -> Settings:
    """`raw` maps full config keys (`project:key`) to the values the engine passes (strings)."""
    issues: list[ConfigIssue] = []
    values = _own_values(raw, secret_keys, project, issues)
    cfg = _validate_fields(values, issues)
    customers: tuple[Customer, ...] = ()
    if cfg is not None:
        issues.extend(rules.check(cfg))
        customers = _customers(cfg, issues)
    if issues or cfg is None:
        raise ConfigError(project, issues)
    return _build(cfg, customers, project, stack)


def _own_values(
    raw: Mapping[str, Any], secret_keys: set[str], project: str, issues: list[ConfigIssue]
) -> dict[str, Any]:
    known = config_fields()
    values: dict[str, Any] = {}
    prefix = f"{project}:"
    for full_key, value in raw.items():
        if not full_key.startswith(prefix):
            continue
        key = full_key[len(prefix) :]
        if key not in known:
            near = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {near[0]}?" if near else "see the configuration reference"
            issues.append(ConfigIssue(key, "is not a known config key", f"remove it; {hint}"))
            continue
        name, secret = known[key]
        if value == "" and StackConfig.model_fields[name].default is None:
            # The CLI requires every declared key without a default to be set on the stack, so
            # an optional key is set to "" (secrets with --secret) to leave it unset.
            continue
        if secret and full_key not in secret_keys:
            issues.append(
                ConfigIssue(
                    key,
                    "is stored in plaintext in the stack file",
                    f"pulumi config rm {key} && pulumi config set --secret {key} <value>",
                )
            )
        values[key] = _decode_array(key, value, issues)
    return values


def _decode_array(key: str, value: Any, issues: list[ConfigIssue]) -> Any:
    field = StackConfig.model_fields[config_fields()[key][0]]
    if typing.get_origin(field.annotation) is not tuple or not isinstance(value, str):
        return value
    # The engine passes array config as a JSON string.
    try:
        decoded = json.loads(value)
    except json.JSONDecodeError:
        issues.append(ConfigIssue(key, "is not a JSON array", f"set it with --path '{key}[0]'"))
        return ()
    return decoded


def _validate_fields(values: dict[str, Any], issues: list[ConfigIssue]) -> StackConfig | None:
    try:
        return StackConfig.model_validate(values)
    except ValidationError as err:
        # Messages only: pydantic's own rendering would echo input values, secrets included.
        for error in err.errors(include_input=False, include_url=False):
            loc = error["loc"]
            key = str(loc[0]) + "".join(f"[{part}]" for part in loc[1:])
            issues.append(ConfigIssue(key, error["msg"], _type_fix(str(loc[0]))))
        return None


def _type_fix(key: str) -> str:
    field = StackConfig.model_fields[config_fields()[key][0]]
    return f"set a valid value ({field.description})"


def _customers(cfg: StackConfig, issues: list[ConfigIssue]) -> tuple[Customer, ...]:
    customers: list[Customer] = []
    seen: set[str] = set()
    for index, entry in enumerate(cfg.metering_customers):
        key = f"meteringCustomers[{index}]"
        fix = (
            f'pulumi config set --path "{key}" '
            '\'{"client_id": "acme", "external_user_id": "u1", "name": "Acme"}\''
        )
        try:
            parsed = _CustomerEntry.model_validate_json(entry)
        except ValidationError as err:
            for error in err.errors(include_input=False, include_url=False):
                where = ".".join(str(part) for part in error["loc"]) or "entry"
                issues.append(ConfigIssue(key, f"{where}: {error['msg']}", fix))
            continue
        customer = Customer(
            client_id=parsed.client_id,
            external_user_id=parsed.external_user_id,
            name=parsed.name or f"{parsed.client_id}:{parsed.external_user_id}",
            subscribe=parsed.subscribe,
        )
        if customer.key in seen:
            issues.append(ConfigIssue(key, f"customer {customer.key} is declared twice", fix))
        seen.add(customer.key)
        customers.append(customer)
    return tuple(customers)


def _build(cfg: StackConfig, customers: tuple[Customer, ...], project: str, stack: str) -> Settings:
    metering = _metering(cfg, customers) if rules.metering_active(cfg) else None
    runtime = _runtime(cfg, stack, metering is not None) if cfg.runtime_enabled else None
    return Settings(project=project, stack=stack, runtime=runtime, metering=metering)


def _metering(cfg: StackConfig, customers: tuple[Customer, ...]) -> MeteringSettings:
    assert cfg.openmeter_api_key is not None  # noqa: S101 - guaranteed by rules.check
    if cfg.openmeter_konnect_region is not None:
        api_url = f"https://{cfg.openmeter_konnect_region}.api.konghq.com/v3/openmeter"
    else:
        assert cfg.openmeter_url is not None  # noqa: S101 - guaranteed by rules.check
        api_url = cfg.openmeter_url.rstrip("/")
    return MeteringSettings(
        connection=OpenMeterConnection(api_url=api_url, api_key=cfg.openmeter_api_key),
        manage_catalog=cfg.metering_manage_catalog,
        retain_meters=cfg.metering_retain_meters,
        customers=customers,
    )


def _runtime(cfg: StackConfig, stack: str, metering_on: bool) -> RuntimeSettings:
    embedded = cfg.kafka_mode == "embedded"
    sasl = None
    if cfg.kafka_sasl_user is not None and cfg.kafka_sasl_password is not None:
        sasl = KafkaSasl(user=cfg.kafka_sasl_user, password=cfg.kafka_sasl_password)
    kafka = KafkaSettings(
        embedded=embedded,
        brokers=(f"{REDPANDA_ALIAS}:{REDPANDA_KAFKA_PORT}",) if embedded else cfg.kafka_brokers,
        topic=cfg.kafka_topic,
        dead_letter_topic=cfg.kafka_dead_letter_topic,
        partitions=cfg.kafka_topic_partitions,
        retention_ms=cfg.kafka_topic_retention_ms,
        sasl=sasl,
    )
    redpanda = None
    if embedded:
        redpanda = RedpandaSettings(
            image=cfg.redpanda_image,
            network_alias=REDPANDA_ALIAS,
            dev_mode=cfg.redpanda_dev_mode,
            smp=cfg.redpanda_smp,
            memory_mib=cfg.redpanda_memory_mib,
            # Seastar's --memory is the heap; the process needs headroom above it or the
            # kernel OOM-kills it under load.
            container_memory_mib=cfg.redpanda_memory_mib + max(256, cfg.redpanda_memory_mib // 4),
            cpus=cfg.redpanda_cpus,
            reactor_backend=cfg.redpanda_reactor_backend,
        )
    assert cfg.signer_eth_url is not None  # noqa: S101 - guaranteed by rules.check
    assert cfg.signer_keystore_password is not None  # noqa: S101
    webhook = None
    if cfg.signer_webhook_url is not None and cfg.signer_webhook_secret is not None:
        webhook = Webhook(url=cfg.signer_webhook_url, secret=cfg.signer_webhook_secret)
    signer = SignerSettings(
        image=cfg.signer_image,
        network=cfg.signer_network,
        eth_url=cfg.signer_eth_url,
        keystore_password=cfg.signer_keystore_password,
        keystore_json=cfg.signer_keystore_json,
        account_address=cfg.signer_account_address,
        http_port=cfg.signer_http_port,
        host_port=cfg.signer_host_port,
        bind_address=cfg.signer_bind_address,
        webhook=webhook,
        data_host_path=cfg.signer_data_host_path,
        memory_mib=cfg.signer_memory_mib,
        cpus=cfg.signer_cpus,
    )
    collector = None
    if metering_on:
        price: StaticPrice | PriceUrl
        if cfg.collector_eth_usd_price is not None:
            price = StaticPrice(eth_usd=Decimal(cfg.collector_eth_usd_price))
        else:
            assert cfg.collector_price_url is not None  # noqa: S101
            price = PriceUrl(
                url=cfg.collector_price_url, refresh_seconds=cfg.collector_price_refresh_seconds
            )
        collector = CollectorSettings(
            image=cfg.collector_image,
            price=price,
            source=cfg.collector_source or f"clearinghouse-signer-{stack}",
            consumer_group=cfg.collector_consumer_group,
            batch_size=cfg.collector_batch_size,
            batch_period=cfg.collector_batch_period,
            max_in_flight=cfg.collector_max_in_flight,
            memory_mib=cfg.collector_memory_mib,
            cpus=cfg.collector_cpus,
        )
    return RuntimeSettings(
        docker_host=cfg.docker_host,
        network_prefix=f"clearinghouse-{stack}",
        kafka=kafka,
        redpanda=redpanda,
        signer=signer,
        collector=collector,
    )


def load_from_pulumi() -> Settings:
    """Read the running program's config; raises ConfigError before anything is declared."""
    import pulumi  # noqa: PLC0415 - keep the pure parser importable without an engine
    from pulumi.runtime import config as runtime_config  # noqa: PLC0415

    raw: dict[str, Any] = dict(runtime_config.get_config_env())
    raw.update(runtime_config.CONFIG.get())
    secret_keys = set(runtime_config.get_config_secret_keys_env())
    secret_keys.update(key for key in raw if runtime_config.is_config_secret(key))
    return load_settings(raw, secret_keys, pulumi.get_project(), pulumi.get_stack())
