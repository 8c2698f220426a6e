"""Cross-key rules: the dangerous or contradictory combinations a single field cannot see."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from settings.errors import ConfigIssue
from settings.stack_config import StackConfig

MIN_REDPANDA_MIB_PER_CORE = 512
_BROKER = re.compile(r"^[A-Za-z0-9.-]+:\d{1,5}$")
_IMAGE_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def metering_active(cfg: StackConfig) -> bool:
    if cfg.metering == "off":
        return False
    if cfg.metering == "on":
        return True
    return cfg.openmeter_api_key is not None and (
        cfg.openmeter_url is not None or cfg.openmeter_konnect_region is not None
    )


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def check(cfg: StackConfig) -> list[ConfigIssue]:
    issues: list[ConfigIssue] = []
    issues.extend(_parts(cfg))
    issues.extend(_kafka(cfg))
    issues.extend(_images(cfg))
    if cfg.runtime_enabled:
        issues.extend(_redpanda(cfg))
        issues.extend(_signer(cfg))
    issues.extend(_openmeter(cfg))
    if cfg.runtime_enabled and metering_active(cfg):
        issues.extend(_collector(cfg))
    return issues


def _parts(cfg: StackConfig) -> Iterator[ConfigIssue]:
    if not cfg.runtime_enabled and cfg.metering == "off":
        yield ConfigIssue(
            "metering",
            "runtimeEnabled is false and metering is off, so this stack would declare nothing",
            "set runtimeEnabled to true, or metering to on",
        )
    if not cfg.runtime_enabled and cfg.metering == "auto" and not metering_active(cfg):
        yield ConfigIssue(
            "metering",
            "a metering-only stack (runtimeEnabled false) needs OpenMeter configured",
            "set openmeterApiKey (secret) and openmeterUrl or openmeterKonnectRegion",
        )


def _kafka(cfg: StackConfig) -> Iterator[ConfigIssue]:
    if cfg.kafka_mode == "embedded" and cfg.kafka_brokers:
        yield ConfigIssue(
            "kafkaBrokers",
            "an external broker list is set while kafkaMode is embedded (Redpanda in this stack)",
            "set kafkaMode to external to use these brokers, or remove kafkaBrokers",
        )
    if cfg.kafka_mode == "external" and not cfg.kafka_brokers:
        yield ConfigIssue(
            "kafkaBrokers",
            "kafkaMode is external but no brokers are configured",
            'set kafkaBrokers, e.g. pulumi config set --path "kafkaBrokers[0]" broker:9092',
        )
    for index, broker in enumerate(cfg.kafka_brokers):
        if not _BROKER.match(broker):
            yield ConfigIssue(
                f"kafkaBrokers[{index}]",
                f"{broker!r} is not host:port",
                "give each broker as host:port, without a scheme",
            )
    has_user = cfg.kafka_sasl_user is not None
    has_password = cfg.kafka_sasl_password is not None
    if has_user != has_password:
        missing = "kafkaSaslPassword" if has_user else "kafkaSaslUser"
        yield ConfigIssue(
            missing,
            "SASL needs both kafkaSaslUser and kafkaSaslPassword",
            f"set {missing}" + (" with --secret" if missing == "kafkaSaslPassword" else ""),
        )
    if cfg.kafka_sasl_password is not None and _breaks_flag_file(
        cfg.kafka_sasl_password.get_secret_value()
    ):
        yield ConfigIssue(
            "kafkaSaslPassword",
            "contains a line break, leading/trailing whitespace or ' #', which go-livepeer's "
            "config-file parser cuts or treats as a comment",
            "use a password without them (the signer reads it from its config file)",
        )
    if cfg.kafka_mode == "embedded" and (has_user or has_password):
        yield ConfigIssue(
            "kafkaSaslUser",
            "the embedded Redpanda is on a private network without SASL",
            "remove kafkaSaslUser/kafkaSaslPassword, or use kafkaMode external",
        )
    if cfg.kafka_topic == cfg.kafka_dead_letter_topic:
        yield ConfigIssue(
            "kafkaDeadLetterTopic",
            "the dead-letter topic is the same as the gateway topic",
            "choose a distinct kafkaDeadLetterTopic",
        )


def _breaks_flag_file(value: str) -> bool:
    # go-livepeer's -config parser (ff PlainParser): one `flag value` per line, value trimmed,
    # anything after " #" is a comment.
    return "\n" in value or "\r" in value or value != value.strip() or " #" in value


def _images(cfg: StackConfig) -> Iterator[ConfigIssue]:
    for key, image in (
        ("redpandaImage", cfg.redpanda_image),
        ("signerImage", cfg.signer_image),
        ("collectorImage", cfg.collector_image),
    ):
        if _IMAGE_DIGEST.search(image):
            continue
        last = image.rsplit("/", 1)[-1]
        tag = last.split(":", 1)[1] if ":" in last else ""
        if tag in ("", "latest"):
            yield ConfigIssue(
                key,
                f"image {image!r} is not pinned (no tag, or latest)",
                "pin a version tag (repo:v1.2.3) or a digest (repo@sha256:...)",
            )


def _redpanda(cfg: StackConfig) -> Iterator[ConfigIssue]:
    if cfg.kafka_mode != "embedded":
        return
    needed = MIN_REDPANDA_MIB_PER_CORE * cfg.redpanda_smp
    if cfg.redpanda_memory_mib < needed:
        yield ConfigIssue(
            "redpandaMemoryMiB",
            f"{cfg.redpanda_memory_mib} MiB is below what Redpanda needs for "
            f"{cfg.redpanda_smp} core(s) ({MIN_REDPANDA_MIB_PER_CORE} MiB per core)",
            f"set redpandaMemoryMiB to at least {needed}, or lower redpandaSmp",
        )


def _signer(cfg: StackConfig) -> Iterator[ConfigIssue]:
    if cfg.signer_eth_url is None:
        yield ConfigIssue(
            "signerEthUrl",
            "the signer needs a chain JSON-RPC URL",
            "pulumi config set --secret signerEthUrl https://<rpc endpoint>",
        )
    elif any(ch.isspace() for ch in cfg.signer_eth_url.get_secret_value()):
        yield ConfigIssue(
            "signerEthUrl",
            "contains whitespace; the signer's config file is line based, so it would be cut",
            "percent-encode the URL (pulumi config set --secret signerEthUrl <url>)",
        )
    elif urlsplit(cfg.signer_eth_url.get_secret_value()).scheme not in (
        "http",
        "https",
        "ws",
        "wss",
    ):
        yield ConfigIssue(
            "signerEthUrl",
            "not an http(s) or ws(s) URL",
            "pulumi config set --secret signerEthUrl https://<rpc endpoint>",
        )
    if cfg.signer_keystore_password is None:
        yield ConfigIssue(
            "signerKeystorePassword",
            "the signer needs its keystore password",
            "pulumi config set --secret signerKeystorePassword <password>",
        )
    yield from _webhook(cfg)
    try:
        ipaddress.ip_address(cfg.signer_bind_address)
    except ValueError:
        yield ConfigIssue(
            "signerBindAddress",
            f"{cfg.signer_bind_address!r} is not an IP address",
            "use 127.0.0.1 (default), or a host IP together with the identity webhook",
        )
    else:
        webhook_ready = cfg.signer_webhook_url is not None and cfg.signer_webhook_secret
        if not is_loopback(cfg.signer_bind_address) and not webhook_ready:
            yield ConfigIssue(
                "signerBindAddress",
                f"binding the signing port on {cfg.signer_bind_address} without the identity "
                "webhook lets anyone who reaches it mint tickets from the deposit",
                "keep 127.0.0.1, or set signerWebhookUrl and signerWebhookSecret (secret)",
            )
    if cfg.signer_data_host_path is not None and not cfg.signer_data_host_path.startswith("/"):
        yield ConfigIssue(
            "signerDataHostPath",
            "must be an absolute host path",
            "give an absolute path such as /srv/clearinghouse/signer, or unset it for a volume",
        )


def _webhook(cfg: StackConfig) -> Iterator[ConfigIssue]:
    url, secret = cfg.signer_webhook_url, cfg.signer_webhook_secret
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            yield ConfigIssue("signerWebhookUrl", "not an http(s) URL", "give the full webhook URL")
        if parts.username or parts.password:
            yield ConfigIssue(
                "signerWebhookUrl",
                "embeds credentials, which would reach the command line",
                "remove user:password from the URL; the signer sends signerWebhookSecret",
            )
        if secret is None:
            yield ConfigIssue(
                "signerWebhookSecret",
                "a webhook URL is set without the secret the webhook checks",
                "pulumi config set --secret signerWebhookSecret <secret>",
            )
    if secret is not None:
        value = secret.get_secret_value()
        if url is None:
            yield ConfigIssue(
                "signerWebhookUrl",
                "signerWebhookSecret is set but no webhook URL",
                "set signerWebhookUrl, or remove signerWebhookSecret",
            )
        if "," in value:
            yield ConfigIssue(
                "signerWebhookSecret",
                "contains a comma; go-livepeer splits webhook headers on commas, so the "
                "header would be cut",
                "generate a secret without commas (e.g. openssl rand -hex 32)",
            )
        if not value or any(ch.isspace() for ch in value):
            yield ConfigIssue(
                "signerWebhookSecret",
                "is empty or contains whitespace",
                "generate a secret without whitespace (e.g. openssl rand -hex 32)",
            )


def _openmeter(cfg: StackConfig) -> Iterator[ConfigIssue]:
    if cfg.openmeter_url is not None and cfg.openmeter_konnect_region is not None:
        yield ConfigIssue(
            "openmeterUrl",
            "both openmeterUrl and openmeterKonnectRegion are set",
            "set openmeterKonnectRegion for Konnect or openmeterUrl for self-hosted, not both",
        )
    if cfg.openmeter_url is not None:
        parts = urlsplit(cfg.openmeter_url)
        if parts.scheme not in ("http", "https") or not cfg.openmeter_url.rstrip("/").endswith(
            "/v3/openmeter"
        ):
            yield ConfigIssue(
                "openmeterUrl",
                "must be the http(s) base of the v3 API, ending in /v3/openmeter",
                "e.g. http://openmeter:8888/api/v3/openmeter",
            )
    has_endpoint = cfg.openmeter_url is not None or cfg.openmeter_konnect_region is not None
    has_key = cfg.openmeter_api_key is not None
    wants = cfg.metering == "on" or (cfg.metering == "auto" and (has_endpoint or has_key))
    if wants and not has_key:
        yield ConfigIssue(
            "openmeterApiKey",
            "metering needs the OpenMeter API key",
            "pulumi config set --secret openmeterApiKey <token>",
        )
    if wants and not has_endpoint:
        yield ConfigIssue(
            "openmeterUrl",
            "metering needs an OpenMeter endpoint",
            "set openmeterKonnectRegion (Konnect) or openmeterUrl (self-hosted)",
        )
    if cfg.metering_customers and not (metering_active(cfg) and cfg.metering_manage_catalog):
        yield ConfigIssue(
            "meteringCustomers",
            "customers are declared only by a stack that meters and manages the catalog",
            "turn metering on with meteringManageCatalog true, or remove meteringCustomers",
        )


def _collector(cfg: StackConfig) -> Iterator[ConfigIssue]:
    static, url = cfg.collector_eth_usd_price, cfg.collector_price_url
    if (static is None) == (url is None):
        yield ConfigIssue(
            "collectorEthUsdPrice",
            "the collector needs exactly one price source",
            "set collectorEthUsdPrice (e.g. 3000.00) or collectorPriceUrl, not both",
        )
    if static is not None:
        try:
            price = Decimal(static)
        except InvalidOperation:
            price = Decimal(0)
        if not price.is_finite() or price <= 0:
            yield ConfigIssue(
                "collectorEthUsdPrice",
                f"{static!r} is not a positive decimal",
                "give the ETH/USD price as a decimal string, e.g. 3000.00",
            )
    if url is not None and urlsplit(url).scheme not in ("http", "https"):
        yield ConfigIssue("collectorPriceUrl", "not an http(s) URL", "give the full price URL")
