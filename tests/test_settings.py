"""Stack config -> settings: every dangerous or contradictory config fails with key and fix."""

from __future__ import annotations

import json
from typing import Any

import pytest

from settings import ConfigError, load_settings

PROJECT = "clearinghouse"
SECRETS = {
    "signerEthUrl": "https://arb1.example/rpc/KEY123",
    "signerKeystorePassword": "pw-123",
}


def load(config: dict[str, Any], secret: dict[str, str] | None = None, stack: str = "dev"):
    secret = SECRETS if secret is None else secret
    raw = {f"{PROJECT}:{k}": v for k, v in {**config, **secret}.items()}
    return load_settings(raw, {f"{PROJECT}:{k}" for k in secret}, PROJECT, stack)


def issues(config: dict[str, Any], secret: dict[str, str] | None = None) -> dict[str, str]:
    with pytest.raises(ConfigError) as err:
        load(config, secret)
    return {issue.key: issue.render(PROJECT) for issue in err.value.issues}


def test_defaults_give_a_loopback_runtime_only_stack():
    settings = load({})
    assert settings.metering is None
    assert settings.runtime is not None
    assert settings.runtime.signer.bind_address == "127.0.0.1"
    assert settings.runtime.collector is None
    assert settings.runtime.kafka.brokers == ("redpanda:9092",)


def test_public_bind_without_webhook_fails_naming_key_and_fix():
    found = issues({"signerBindAddress": "0.0.0.0"})
    assert set(found) == {"signerBindAddress"}
    assert "clearinghouse:signerBindAddress" in found["signerBindAddress"]
    assert "signerWebhookUrl" in found["signerBindAddress"]
    assert "Fix:" in found["signerBindAddress"]


def test_public_bind_with_webhook_is_allowed():
    settings = load(
        {"signerBindAddress": "0.0.0.0", "signerWebhookUrl": "https://auth.example/authorize"},
        {**SECRETS, "signerWebhookSecret": "s3cr3t"},
    )
    assert settings.runtime is not None
    assert settings.runtime.signer.webhook is not None


@pytest.mark.parametrize("address", ["127.0.0.2", "::1"])
def test_any_loopback_bind_needs_no_webhook(address):
    settings = load({"signerBindAddress": address})
    assert settings.runtime is not None
    assert settings.runtime.signer.bind_address == address


def test_webhook_url_without_secret_fails():
    found = issues({"signerWebhookUrl": "https://auth.example/authorize"})
    assert set(found) == {"signerWebhookSecret"}
    assert "--secret signerWebhookSecret" in found["signerWebhookSecret"]


def test_webhook_secret_with_comma_fails_without_echoing_it():
    found = issues(
        {"signerWebhookUrl": "https://auth.example/authorize"},
        {**SECRETS, "signerWebhookSecret": "abc,def"},
    )
    assert "comma" in found["signerWebhookSecret"]
    assert "abc,def" not in "".join(found.values())


def test_redpanda_memory_below_need_fails():
    found = issues({"redpandaMemoryMiB": 768, "redpandaSmp": 2})
    assert "at least 1024" in found["redpandaMemoryMiB"]


def test_external_brokers_with_embedded_broker_fails():
    found = issues({"kafkaBrokers": '["kafka-1:9092"]'})
    assert "kafkaMode" in found["kafkaBrokers"]


def test_external_mode_carries_brokers_and_sasl():
    settings = load(
        {
            "kafkaMode": "external",
            "kafkaBrokers": '["kafka-1:9093", "kafka-2:9093"]',
            "kafkaSaslUser": "signer",
        },
        {**SECRETS, "kafkaSaslPassword": "kpw"},
    )
    assert settings.runtime is not None
    assert settings.runtime.redpanda is None
    assert settings.runtime.kafka.brokers == ("kafka-1:9093", "kafka-2:9093")
    assert settings.runtime.kafka.sasl is not None
    assert settings.runtime.kafka.sasl.user == "signer"


def test_sasl_user_without_password_fails():
    found = issues(
        {"kafkaMode": "external", "kafkaBrokers": '["k:9093"]', "kafkaSaslUser": "signer"}
    )
    assert "kafkaSaslPassword" in found


def test_secret_key_stored_in_plaintext_fails():
    raw = {
        f"{PROJECT}:signerEthUrl": "https://rpc.example",
        f"{PROJECT}:signerKeystorePassword": "pw",
    }
    with pytest.raises(ConfigError) as err:
        load_settings(raw, {f"{PROJECT}:signerEthUrl"}, PROJECT, "dev")
    assert err.value.keys() == {"signerKeystorePassword"}
    assert "--secret" in str(err.value)
    assert "pw" not in str(err.value).replace("pulumi", "")


def test_unknown_key_suggests_the_right_one():
    found = issues({"signerHostPrt": 9000})
    assert "did you mean signerHostPort" in found["signerHostPrt"]


def test_type_error_names_the_key():
    found = issues({"signerHostPort": "eighty"})
    assert "clearinghouse:signerHostPort" in found["signerHostPort"]
    assert "integer" in found["signerHostPort"]


def test_runtime_needs_eth_url_and_password():
    found = issues({}, secret={})
    assert set(found) == {"signerEthUrl", "signerKeystorePassword"}


def test_every_problem_is_reported_at_once():
    found = issues(
        {"signerBindAddress": "0.0.0.0", "redpandaMemoryMiB": 100, "signerImage": "lp:latest"}
    )
    assert {"signerBindAddress", "redpandaMemoryMiB", "signerImage"} <= set(found)


@pytest.mark.parametrize("image", ["livepeer/go-livepeer", "livepeer/go-livepeer:latest"])
def test_unpinned_images_fail(image):
    assert "signerImage" in issues({"signerImage": image})


def test_digest_pinned_image_passes():
    digest = "livepeer/go-livepeer@sha256:" + "a" * 64
    settings = load({"signerImage": digest})
    assert settings.runtime is not None
    assert settings.runtime.signer.image == digest


def test_nothing_to_deploy_fails():
    assert "metering" in issues({"runtimeEnabled": False, "metering": "off"})


def test_metering_only_stack():
    settings = load(
        {"runtimeEnabled": False, "openmeterKonnectRegion": "eu"},
        {"openmeterApiKey": "kpat_x"},
    )
    assert settings.runtime is None
    assert settings.metering is not None
    assert settings.metering.connection.api_url == "https://eu.api.konghq.com/v3/openmeter"
    assert settings.metering.connection.ingest_url.endswith("/v3/openmeter/events")


def test_half_configured_metering_fails():
    found = issues({"openmeterKonnectRegion": "us"})
    assert "openmeterApiKey" in found


def test_metering_on_requires_price_source_for_the_collector():
    found = issues(
        {"openmeterUrl": "http://om:8888/api/v3/openmeter"}, {**SECRETS, "openmeterApiKey": "k"}
    )
    assert "collectorEthUsdPrice" in found


@pytest.mark.parametrize("price", ["0", "-1", "abc", "NaN"])
def test_non_positive_static_price_fails(price):
    found = issues(
        {"openmeterUrl": "http://om:8888/api/v3/openmeter", "collectorEthUsdPrice": price},
        {**SECRETS, "openmeterApiKey": "k"},
    )
    assert "collectorEthUsdPrice" in found


def test_customers_parse_and_reject_bad_entries():
    base = {"openmeterUrl": "http://om:8888/api/v3/openmeter", "collectorEthUsdPrice": "3000"}
    secret = {**SECRETS, "openmeterApiKey": "k"}
    good = '{"client_id": "acme", "external_user_id": "u:1", "name": "Acme"}'
    settings = load({**base, "meteringCustomers": json.dumps([good])}, secret)
    assert settings.metering is not None
    (customer,) = settings.metering.customers
    assert customer.key == "acme:u:1"
    assert customer.subscribe is True
    bad = ['{"client_id": "a:b", "external_user_id": "u"}', "not json", good, good]
    found = issues({**base, "meteringCustomers": json.dumps(bad)}, secret)
    assert {"meteringCustomers[0]", "meteringCustomers[1]", "meteringCustomers[3]"} == set(found)
    assert "declared twice" in found["meteringCustomers[3]"]


@pytest.mark.parametrize("password", ["pa #ss9", "pw9\nethUrl http://evil", " lead-7x"])
def test_kafka_password_that_breaks_the_signer_config_file_fails(password):
    found = issues(
        {"kafkaMode": "external", "kafkaBrokers": '["k:9093"]', "kafkaSaslUser": "signer"},
        {**SECRETS, "kafkaSaslPassword": password},
    )
    assert set(found) == {"kafkaSaslPassword"}
    assert password not in found["kafkaSaslPassword"]


def test_eth_url_with_a_line_break_fails():
    found = issues({}, {**SECRETS, "signerEthUrl": "https://rpc.example\nremoteSignerWebhookUrl x"})
    assert set(found) == {"signerEthUrl"}
