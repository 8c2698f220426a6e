"""The real program under Pulumi mocks: every security-relevant declaration, asserted."""

from __future__ import annotations

import ipaddress
from typing import Any

import pulumi
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import rpc

from tests.program_mock import (
    SECRET_SIG,
    SECRET_SIG_KEY,
    ProgramRun,
    RegisteredResource,
    dev_stack_config,
    is_secret_struct,
    run_program,
    unwrap_secrets,
    walk_plaintext,
)

SECRETS = {
    "signerEthUrl": "https://arb-mainnet.example/v2/PROVIDERKEY42",
    "signerKeystorePassword": "keystore-pw-7f3a",
}
WEBHOOK_SECRET = "whsec-9c1e77"
OPENMETER_KEY = "kpat_openmeter_secret_55"
SASL_PASSWORD = "sasl-pw-0b12"
CONTAINER = "docker:index/container:Container"


def run(config: dict[str, Any] | None = None, secrets: dict[str, str] | None = None) -> ProgramRun:
    secrets = SECRETS if secrets is None else secrets
    merged = {**dev_stack_config(), **(config or {}), **secrets}
    return run_program(merged, set(secrets))


@pytest.fixture(scope="module")
def dev() -> ProgramRun:
    return run()


@pytest.fixture(scope="module")
def full() -> ProgramRun:
    """Everything on: webhook, public bind, metering, keystore upload."""
    return run(
        {
            "signerBindAddress": "0.0.0.0",
            "signerWebhookUrl": "https://auth.example/authorize",
            "signerAccountAddress": "0x" + "ab" * 20,
            "openmeterUrl": "http://openmeter.internal:8888/api/v3/openmeter",
            "redpandaDevMode": False,
        },
        {
            **SECRETS,
            "signerWebhookSecret": WEBHOOK_SECRET,
            "openmeterApiKey": OPENMETER_KEY,
            "signerKeystoreJson": '{"address": "abab", "crypto": {}}',
        },
    )


def ports(container: RegisteredResource) -> list[dict[str, Any]]:
    return list(container.inputs.get("ports", []))


def all_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in all_strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in all_strings(v)]
    return []


# --- signer ---------------------------------------------------------------------------------


def test_signer_publishes_only_the_signing_port_on_loopback(dev):
    signer = dev.containers()["signer"]
    assert ports(signer) == [
        {"internal": 8081, "external": 8081, "ip": "127.0.0.1", "protocol": "tcp"}
    ]
    assert signer.inputs.get("publishAllPorts") is False


def test_signer_cli_port_is_never_published(dev, full):
    for run_ in (dev, full):
        for container in run_.containers().values():
            assert all(p["internal"] != 4935 for p in ports(container))
            assert all(p.get("external") != 4935 for p in ports(container))


def test_signer_is_not_on_the_host_network(dev):
    signer = dev.containers()["signer"]
    assert signer.inputs["networkMode"] not in ("host", "bridge")
    assert signer.inputs["networkMode"].endswith("-egress")


def test_signer_argument_list(dev):
    args = dev.containers()["signer"].inputs["command"]
    assert args == [
        "-remoteSigner",
        "-network=arbitrum-one-mainnet",
        "-httpAddr=0.0.0.0:8081",
        "-cliAddr=127.0.0.1:4935",
        "-ethPassword=/run/livepeer/eth-password",
        "-datadir=/data",
        "-monitor",
        "-kafkaBootstrapServers=redpanda:9092",
        "-kafkaGatewayTopic=livepeer-gateway-events",
        "-config=/run/livepeer/livepeer.conf",
    ]
    assert "entrypoints" not in dev.containers()["signer"].inputs


def test_signer_with_webhook_binds_wider_and_passes_url_and_keystore(full):
    signer = full.containers()["signer"]
    assert ports(signer)[0]["ip"] == "0.0.0.0"
    args = signer.inputs["command"]
    assert "-remoteSignerWebhookUrl=https://auth.example/authorize" in args
    assert "-ethKeystorePath=/run/livepeer/keystore" in args
    assert f"-ethAcctAddr=0x{'ab' * 20}" in args


def upload_contents(container: RegisteredResource) -> dict[str, str]:
    return {u["file"]: u["content"] for u in container.inputs.get("uploads", [])}


def test_secrets_reach_the_signer_only_through_secret_uploads(full):
    signer = full.containers()["signer"]
    files = upload_contents(signer)
    config = files["/run/livepeer/livepeer.conf"]
    assert f"ethUrl {SECRETS['signerEthUrl']}\n" in config
    assert f"remoteSignerWebhookHeaders Authorization:Bearer {WEBHOOK_SECRET}\n" in config
    assert files["/run/livepeer/eth-password"] == SECRETS["signerKeystorePassword"]
    assert "/run/livepeer/keystore/signer-key.json" in files
    for upload in signer.inputs["uploads"]:
        assert upload["permissions"] == "0400"
    # As the engine receives them: every upload's content is wrapped as a secret.
    uploads = signer.raw_inputs.fields["uploads"].list_value.values
    assert uploads
    for upload in uploads:
        assert is_secret_struct(upload.struct_value.fields["content"].struct_value)


@pytest.mark.parametrize("field", ["command", "envs", "entrypoints", "labels", "hosts"])
def test_no_secret_in_any_container_command_env_or_label(full, field):
    secrets = [*SECRETS.values(), WEBHOOK_SECRET, OPENMETER_KEY, "PROVIDERKEY42"]
    for role, container in full.containers().items():
        text = "\n".join(all_strings(container.inputs.get(field, [])))
        for secret in secrets:
            assert secret not in text, f"{role} {field} leaks a secret"


def test_no_plaintext_secret_anywhere_in_registered_inputs(full):
    """Outside secret wrappers, no secret value appears in any resource's inputs."""
    secrets = [*SECRETS.values(), WEBHOOK_SECRET, OPENMETER_KEY]
    for resource in full.resources:
        for node in walk_plaintext(resource.raw_inputs):
            if isinstance(node, struct_pb2.Value) and node.WhichOneof("kind") == "string_value":
                assert all(s not in node.string_value for s in secrets), resource.name


def test_outputs_carry_no_secret(full):
    secrets = [*SECRETS.values(), WEBHOOK_SECRET, OPENMETER_KEY]
    for outputs in full.component_outputs.values():
        text = repr(outputs)
        assert all(secret not in text for secret in secrets)


def test_signer_waits_for_broker_health_and_topic(dev):
    signer = dev.containers()["signer"]
    broker = dev.containers()["broker"]
    topic = dev.named("clearinghouse-redpanda-topic")
    assert broker.urn in signer.dependencies
    assert topic.urn in signer.dependencies


def test_signer_runs_hardened(dev):
    signer = dev.containers()["signer"].inputs
    assert signer["capabilities"] == {"drops": ["ALL"], "adds": []}
    assert signer["securityOpts"] == ["no-new-privileges:true"]
    assert signer["readOnly"] is True
    assert signer.get("privileged") in (None, False)
    assert signer["memory"] == 1024
    assert signer["restart"] == "unless-stopped"
    assert {"host": "host.docker.internal", "ip": "host-gateway"} in signer["hosts"]


def test_signer_data_and_secrets_live_on_named_volumes(dev):
    volumes = {v["containerPath"]: v for v in dev.containers()["signer"].inputs["volumes"]}
    assert volumes["/data"]["volumeName"] == "clearinghouse-dev-signer-data"
    assert volumes["/run/livepeer"]["volumeName"] == "clearinghouse-dev-signer-secrets"


def test_state_volumes_survive_destroy(dev):
    volumes = {r.name: r for r in dev.of_type("docker:index/volume:Volume")}
    assert volumes["clearinghouse-signer-data"].retain_on_delete is True
    assert volumes["clearinghouse-redpanda-data"].retain_on_delete is True
    assert volumes["clearinghouse-signer-secrets"].retain_on_delete is False


def test_signer_data_on_a_host_path_when_configured():
    run_ = run({"signerDataHostPath": "/srv/clearinghouse/signer"})
    volumes = {v["containerPath"]: v for v in run_.containers()["signer"].inputs["volumes"]}
    assert volumes["/data"] == {"hostPath": "/srv/clearinghouse/signer", "containerPath": "/data"}
    assert not [
        r for r in run_.of_type("docker:index/volume:Volume") if r.name.endswith("signer-data")
    ]


def test_ipv6_loopback_bind_gives_a_bracketed_url():
    run_ = run({"signerBindAddress": "::1"})
    (outputs,) = [o for o in run_.component_outputs.values() if "signerUrl" in o]
    assert outputs["signerUrl"] == "http://[::1]:8081"
    assert ipaddress.ip_address(ports(run_.containers()["signer"])[0]["ip"]).is_loopback


# --- redpanda -------------------------------------------------------------------------------


def test_redpanda_arguments(dev):
    args = dev.containers()["broker"].inputs["command"]
    assert args[:2] == ["redpanda", "start"]
    assert "--kafka-addr=internal://0.0.0.0:9092" in args
    assert "--advertise-kafka-addr=internal://redpanda:9092" in args
    assert "--smp=1" in args
    assert "--memory=1024M" in args
    assert "--mode=dev-container" in args
    assert "--reactor-backend=epoll" in args


def test_production_redpanda_has_no_dev_mode(full):
    assert "--mode=dev-container" not in full.containers()["broker"].inputs["command"]


def test_redpanda_health_check_rejects_an_unhealthy_cluster(dev):
    check = dev.containers()["broker"].inputs["healthcheck"]
    test = check["tests"]
    assert test[0] == "CMD-SHELL"
    assert "Healthy:[[:space:]]+true" in test[1]
    assert dev.containers()["broker"].inputs["wait"] is True


def test_redpanda_health_check_pattern_against_real_output():
    import subprocess

    from components.redpanda import HEALTH_TEST

    pipeline = HEALTH_TEST[1].split("|", 1)[1]
    for output, healthy in (
        ("CLUSTER HEALTH OVERVIEW\nHealthy:                          true\n", True),
        ("CLUSTER HEALTH OVERVIEW\nHealthy:                          false\n", False),
    ):
        result = subprocess.run(["/bin/sh", "-c", pipeline], input=output, text=True, check=False)
        assert (result.returncode == 0) is healthy


def test_redpanda_is_unpublished_and_internal_only(dev):
    broker = dev.containers()["broker"].inputs
    assert broker.get("ports", []) == []
    (network,) = broker["networksAdvanced"]
    assert network["name"] == "clearinghouse-dev-internal"
    assert network["aliases"] == ["redpanda"]
    internal = dev.named("clearinghouse-network-internal").inputs
    assert internal["internal"] is True
    assert dev.named("clearinghouse-network-egress").inputs["internal"] is False


def test_redpanda_data_on_a_named_volume_and_hardened(dev):
    broker = dev.containers()["broker"].inputs
    paths = {v["containerPath"]: v["volumeName"] for v in broker["volumes"]}
    assert paths["/var/lib/redpanda/data"] == "clearinghouse-dev-redpanda-data"
    assert broker["capabilities"]["drops"] == ["ALL"]
    assert broker["readOnly"] is True
    assert broker["memory"] > 1024  # headroom above --memory


def test_topic_commands_create_both_topics_idempotently(dev):
    for role, topic in (
        ("topic", "livepeer-gateway-events"),
        ("dlq-topic", "livepeer-gateway-events-dlq"),
    ):
        command = dev.named(f"clearinghouse-redpanda-{role}").inputs
        assert f"topic='{topic}'" in command["create"] or f"topic={topic}" in command["create"]
        assert "TOPIC_ALREADY_EXISTS" in command["create"]
        assert command["update"] == command["create"]
        assert "delete" not in command
        assert command["environment"] == {"DOCKER_HOST": "unix:///var/run/docker.sock"}


def test_children_are_named_and_parented(dev):
    component_types = {r.type for r in dev.resources if not r.custom}
    assert {
        "clearinghouse:stack:Clearinghouse",
        "clearinghouse:network:Network",
        "clearinghouse:redpanda:Redpanda",
        "clearinghouse:signer:Signer",
    } <= component_types
    for resource in dev.resources:
        if resource.type == "clearinghouse:stack:Clearinghouse":
            continue
        assert resource.name.startswith("clearinghouse-"), resource.name
        assert resource.parent, f"{resource.name} has no parent"


def test_containers_use_the_configured_docker_provider(dev):
    (provider,) = dev.of_type("pulumi:providers:docker")
    assert provider.inputs["host"] == "unix:///var/run/docker.sock"
    for container in dev.containers().values():
        assert container.provider.startswith(provider.urn)


# --- parts on and off -----------------------------------------------------------------------


def test_dev_stack_is_runtime_only(dev):
    assert set(dev.containers()) == {"broker", "signer"}
    (outputs,) = [o for o in dev.component_outputs.values() if "disabledParts" in o]
    assert outputs["disabledParts"] == ["metering", "collector"]
    assert outputs["signerUrl"] == "http://127.0.0.1:8081"
    assert outputs["topic"] == "livepeer-gateway-events"
    assert outputs["networkName"] == "clearinghouse-dev-internal"
    assert set(outputs["containerNames"]) == {"broker", "signer"}


def test_external_kafka_declares_no_broker_and_carries_sasl():
    run_ = run(
        {
            "kafkaMode": "external",
            "kafkaBrokers": ["kafka-1:9093", "kafka-2:9093"],
            "kafkaSaslUser": "lp",
        },
        {**SECRETS, "kafkaSaslPassword": SASL_PASSWORD},
    )
    assert set(run_.containers()) == {"signer"}
    assert not run_.of_type("command:local:Command")
    signer = run_.containers()["signer"]
    assert "-kafkaBootstrapServers=kafka-1:9093,kafka-2:9093" in signer.inputs["command"]
    assert "-kafkaUser=lp" in signer.inputs["command"]
    assert (
        f"kafkaPassword {SASL_PASSWORD}\n" in upload_contents(signer)["/run/livepeer/livepeer.conf"]
    )
    assert all(SASL_PASSWORD not in s for s in signer.inputs["command"])
    assert signer.dependencies == [] or all(
        run_.by_urn(dep).type != CONTAINER for dep in signer.dependencies
    )


def test_metering_only_stack_declares_no_docker_resources():
    run_ = run(
        {"runtimeEnabled": False, "openmeterKonnectRegion": "us"},
        {"openmeterApiKey": OPENMETER_KEY},
    )
    assert not [r for r in run_.resources if r.type.startswith("docker:")]
    assert not run_.of_type("command:local:Command")
    (outputs,) = [o for o in run_.component_outputs.values() if "disabledParts" in o]
    assert outputs["disabledParts"] == ["runtime"]
    assert [r for r in run_.resources if r.type == "clearinghouse:metering:MeteringCatalog"]


def test_invalid_config_declares_nothing():
    with pytest.raises(pulumi.RunError) as err:
        run({"signerBindAddress": "0.0.0.0"})
    message = str(err.value)
    assert "clearinghouse:signerBindAddress" in message
    assert "Fix: keep 127.0.0.1" in message


def test_invalid_config_registers_no_resource():
    recorded = ProgramRun()
    merged = {**dev_stack_config(), "redpandaMemoryMiB": 64, **SECRETS}
    with pytest.raises(pulumi.RunError, match="redpandaMemoryMiB"):
        run_program(merged, set(SECRETS), into=recorded)
    assert recorded.resources == []


# --- collector ------------------------------------------------------------------------------


def test_collector_is_unpublished_hardened_and_keyed_by_secret_upload(full):
    collector = full.containers()["collector"]
    inputs = collector.inputs
    assert inputs.get("ports", []) == []
    assert inputs["user"] == "10001:10001"
    assert inputs["readOnly"] is True
    assert inputs["capabilities"]["drops"] == ["ALL"]
    assert "envs" not in inputs or all(OPENMETER_KEY not in e for e in inputs["envs"])
    (upload,) = collector.raw_inputs.fields["uploads"].list_value.values
    assert is_secret_struct(upload.struct_value.fields["content"].struct_value)
    assert OPENMETER_KEY in upload_contents(collector)[next(iter(upload_contents(collector)))]


def test_collector_go_heap_is_bounded_below_its_memory_limit(full):
    collector = full.containers()["collector"]
    limit_mib = collector.inputs["memory"]
    envs = dict(e.split("=", 1) for e in collector.inputs["envs"])
    assert envs["GOGC"] == "400"
    heap_mib = int(envs["GOMEMLIMIT"].removesuffix("MiB"))
    assert 0 < heap_mib < limit_mib


def test_collector_starts_after_broker_topics_and_catalog(full):
    collector = full.containers()["collector"]
    deps = {full.by_urn(urn).type for urn in collector.dependencies}
    assert CONTAINER in deps  # the broker
    assert "command:local:Command" in deps  # the topics
    catalog_types = {t for t in deps if "openmeter" in t.lower()}
    assert catalog_types, f"collector does not wait for the catalog: {deps}"


def test_collector_without_catalog_management_still_runs():
    run_ = run(
        {"openmeterUrl": "http://om:8888/api/v3/openmeter", "meteringManageCatalog": False},
        {**SECRETS, "openmeterApiKey": OPENMETER_KEY},
    )
    assert set(run_.containers()) == {"broker", "signer", "collector"}
    assert not [r for r in run_.resources if r.type == "clearinghouse:metering:MeteringCatalog"]


def test_secret_wrappers_are_detected_and_unwrapped():
    # Guard for the helpers above: secret-ness is asserted on the raw Struct, values on the
    # unwrapped inputs.
    struct = struct_pb2.Struct()
    struct.update({"x": {SECRET_SIG_KEY: SECRET_SIG, "value": "v"}, "y": "w"})
    assert is_secret_struct(struct.fields["x"].struct_value)
    assert not is_secret_struct(struct)
    assert unwrap_secrets(rpc.deserialize_properties(struct)) == {"x": "v", "y": "w"}
