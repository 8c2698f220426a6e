"""The pack as the engine runs it: a real analyzer process driven over gRPC."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.policy import resources as res
from tests.policy.analyzer import (
    CONTAINER,
    NETWORK,
    UNKNOWN,
    UNKNOWN_ARRAY,
    UNKNOWN_BOOL,
    Analyzer,
    Diagnostic,
    Resource,
    secret,
)

CLI = "signer-cli-port-never-published"
SIGNING = "signer-signing-port-loopback-unless-webhook"
PUBLIC = "no-public-ports"
BROKER = "broker-not-public"
SECRETS = "no-secrets-in-clear"
IMAGES = "pinned-images"
HARD_SIGNER = "hardened-signer"
HARD_OTHERS = "hardened-containers"
DEV_MODE = "no-dev-mode-broker-in-production"
NETWORKS = "broker-internal-networks-only"

WEBHOOK = "https://auth.example.org/livepeer/authorize"


def by_policy(diags: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    out: dict[str, list[Diagnostic]] = {}
    for d in diags:
        out.setdefault(d.policy, []).append(d)
    return out


def only(diags: list[Diagnostic], policy: str) -> Diagnostic:
    found = [d for d in diags if d.policy == policy]
    assert len(found) == 1, f"expected one {policy} violation, got {diags}"
    return found[0]


def no_preview_failures(diags: list[Diagnostic]) -> None:
    # The SDK's fallback when a policy touches an unknown: an advisory "can't run policy".
    assert not [d for d in diags if "can't run policy" in d.message], diags


# --- the protocol surface ----------------------------------------------------------------------


def test_analyzer_info_lists_policies_levels_and_config_schemas(pack: Analyzer) -> None:
    info = pack.info
    assert info.name == "clearinghouse-policies"
    assert info.supportsConfig
    levels = {p.name: p.enforcementLevel for p in info.policies}
    from pulumi.runtime.proto import analyzer_pb2

    mandatory = {CLI, SIGNING, PUBLIC, BROKER, SECRETS, HARD_SIGNER}
    advisory = {IMAGES, HARD_OTHERS, DEV_MODE, NETWORKS}
    assert set(levels) == mandatory | advisory
    assert all(levels[n] == analyzer_pb2.MANDATORY for n in mandatory)
    assert all(levels[n] == analyzer_pb2.ADVISORY for n in advisory)
    schemas = {p.name: set(p.configSchema.properties.keys()) for p in info.policies}
    assert schemas[PUBLIC] == {"allowedPublicPorts"}
    assert schemas[IMAGES] == {"productionStackPattern"}
    assert schemas[DEV_MODE] == {"productionStackPattern"}
    assert schemas[BROKER] == {"additionalPorts"}
    assert schemas[SECRETS] == {"allowedEnvNames", "additionalSecretEnvNames"}
    types = {p.name: p.policy_type for p in info.policies}
    assert types[NETWORKS] == analyzer_pb2.POLICY_TYPE_STACK
    assert types[CLI] == analyzer_pb2.POLICY_TYPE_RESOURCE


def test_hand_built_dev_stack_passes_every_policy(pack: Analyzer) -> None:
    stack = res.dev_stack()
    for resource in stack:
        assert pack.analyze(resource) == [], resource.name
    assert pack.analyze_stack(stack) == []


def test_non_container_resources_are_ignored(pack: Analyzer) -> None:
    # A Network with properties that would violate everything if it were a container.
    props = {"name": "x", "ports": [{"internal": 4935, "ip": "0.0.0.0"}], "privileged": True}
    assert pack.analyze(Resource(NETWORK, "net", props)) == []


# --- signer CLI port -----------------------------------------------------------------------------


def test_cli_port_published_under_another_host_port_on_loopback(pack: Analyzer) -> None:
    ports = [
        {"internal": 8081, "external": 8081, "ip": "127.0.0.1", "protocol": "tcp"},
        {"internal": 4935, "external": 14935, "ip": "127.0.0.1", "protocol": "tcp"},
    ]
    diags = pack.analyze(res.signer(ports=ports))
    d = only(diags, CLI)
    assert d.level == "mandatory"
    for part in ("clearinghouse-signer-container", "4935", "14935", "127.0.0.1", "Fix:"):
        assert part in d.message
    assert d.urn.endswith("::clearinghouse-signer-container")


@pytest.mark.parametrize(
    ("port", "shown"),
    [
        ({"internal": 4935, "external": 4935}, "0.0.0.0 (ip omitted"),
        ({"internal": 4935, "external": 4935, "ip": "::"}, "published on ::"),
        ({"internal": 4935, "ip": ""}, "empty ip"),
        ({"internal": 4935, "external": 4935, "ip": None}, "ip omitted"),
    ],
)
def test_cli_port_published_publicly(pack: Analyzer, port: dict[str, Any], shown: str) -> None:
    diags = pack.analyze(res.signer(ports=[port]))
    d = only(diags, CLI)
    assert shown in d.message
    assert d.level == "mandatory"
    # The same entry is also a public port.
    assert PUBLIC in by_policy(diags)


def test_signer_is_recognised_by_arguments_not_by_name_or_label(pack: Analyzer) -> None:
    props = res.signer_props(
        labels=[{"label": "team", "value": "video"}],
        ports=[{"internal": 4935, "external": 9000, "ip": "127.0.0.1"}],
    )
    diags = pack.analyze(Resource(CONTAINER, "web-frontend", props))
    assert "9000" in only(diags, CLI).message


def test_signer_is_recognised_by_label_without_remote_signer_flag(pack: Analyzer) -> None:
    command = [a for a in res.signer_command() if a != "-remoteSigner"]
    props = res.signer_props(command=command, networkMode="host")
    diags = pack.analyze(Resource(CONTAINER, "anything", props))
    assert "networkMode 'host'" in only(diags, CLI).message


def test_cli_addr_must_be_explicit_and_loopback(pack: Analyzer) -> None:
    missing = pack.analyze(res.signer(command=res.signer_command(cli=None)))
    assert "-cliAddr is not set" in only(missing, CLI).message
    for bad in ("-cliAddr=0.0.0.0:4935", "-cliAddr=:4935", "-cliAddr=10.0.0.5:4935"):
        diags = pack.analyze(res.signer(command=res.signer_command(cli=bad)))
        assert "not to a loopback address" in only(diags, CLI).message, bad
    # The last occurrence wins, as in Go's flag package.
    late = res.signer_command("-cliAddr=0.0.0.0:4935")
    assert CLI in by_policy(pack.analyze(res.signer(command=late)))
    # `-flag value` form.
    spaced = [*res.signer_command(cli=None), "-cliAddr", "127.0.0.1:4935"]
    assert pack.analyze(res.signer(command=spaced)) == []


def test_custom_cli_port_is_the_one_that_must_stay_unpublished(pack: Analyzer) -> None:
    command = res.signer_command(cli="-cliAddr=127.0.0.1:7935")
    ports = [{"internal": 7935, "external": 7935, "ip": "127.0.0.1"}]
    assert "7935" in only(pack.analyze(res.signer(command=command, ports=ports)), CLI).message


def test_host_network_mode_and_publish_all_ports_on_the_signer(pack: Analyzer) -> None:
    host = by_policy(pack.analyze(res.signer(networkMode="host")))
    assert "networkMode 'host'" in host[CLI][0].message
    assert PUBLIC in host
    publish_all = by_policy(pack.analyze(res.signer(publishAllPorts=True)))
    assert "publishAllPorts=true" in publish_all[CLI][0].message
    assert PUBLIC in publish_all


# --- signing port and webhook ------------------------------------------------------------------


@pytest.mark.parametrize("ip", ["0.0.0.0", "::", "", "192.168.1.10", None])
def test_public_signing_port_without_webhook(pack: Analyzer, ip: str | None) -> None:
    d = only(pack.analyze(res.signer(ip=ip)), SIGNING)
    assert d.level == "mandatory"
    assert "8081" in d.message
    assert "no -remoteSignerWebhookUrl" in d.message
    assert "Fix:" in d.message


def test_omitted_ip_key_means_all_interfaces(pack: Analyzer) -> None:
    ports = [{"internal": 8081, "external": 8081, "protocol": "tcp"}]
    d = only(pack.analyze(res.signer(ports=ports)), SIGNING)
    assert "0.0.0.0 (ip omitted: all interfaces)" in d.message


@pytest.mark.parametrize("ip", ["127.0.0.1", "127.0.0.2", "::1", "[::1]"])
def test_loopback_signing_port_passes(pack: Analyzer, ip: str) -> None:
    assert pack.analyze(res.signer(ip=ip)) == []


def test_public_signing_port_with_webhook_and_authorization_in_config_upload(
    pack: Analyzer,
) -> None:
    diags = pack.analyze(res.signer(ip="0.0.0.0", webhook_url=WEBHOOK, webhook_secret="tok3n"))
    # The signing-port policy accepts it; exposing it still needs the allowlist.
    assert [d.policy for d in diags] == [PUBLIC]


def test_empty_webhook_url_does_not_count(pack: Analyzer) -> None:
    d = only(pack.analyze(res.signer(ip="0.0.0.0", webhook_url="", webhook_secret="x")), SIGNING)
    assert "-remoteSignerWebhookUrl is empty" in d.message


def test_webhook_without_authorization_header_does_not_count(pack: Analyzer) -> None:
    d = only(pack.analyze(res.signer(ip="0.0.0.0", webhook_url=WEBHOOK)), SIGNING)
    assert "has no remoteSignerWebhookHeaders line" in d.message


def test_authorization_in_arguments_counts_but_is_a_secret_in_the_clear(pack: Analyzer) -> None:
    command = res.signer_command(
        f"-remoteSignerWebhookUrl={WEBHOOK}",
        f"-remoteSignerWebhookHeaders=Authorization:Bearer {res.WEBHOOK_SECRET}",
    )
    diags = pack.analyze(res.signer(ip="0.0.0.0", command=command))
    policies = by_policy(diags)
    assert SIGNING not in policies
    assert "webhook headers" in policies[SECRETS][0].message
    assert all(res.WEBHOOK_SECRET not in d.message for d in diags)


def test_command_line_headers_without_authorization_override_the_config_file(
    pack: Analyzer,
) -> None:
    command = res.signer_command(
        f"-remoteSignerWebhookUrl={WEBHOOK}", "-remoteSignerWebhookHeaders=X-Trace:1"
    )
    props = res.signer_props(ip="0.0.0.0", webhook_secret="tok3n", command=command)
    d = only(pack.analyze(Resource(CONTAINER, "signer", props)), SIGNING)
    assert "overrides any config file" in d.message


# --- unknowns at preview -----------------------------------------------------------------------


def test_unknown_bind_address_on_the_signer_port_is_reported(pack: Analyzer) -> None:
    diags = pack.analyze(res.signer(ip=UNKNOWN))
    no_preview_failures(diags)
    d = only(diags, SIGNING)
    assert d.level == "mandatory"
    assert "unknown at preview" in d.message
    assert "unknown at preview" in only(diags, PUBLIC).message


def test_unknown_secret_bind_address_is_reported(pack: Analyzer) -> None:
    diags = pack.analyze(res.signer(ip=secret(UNKNOWN)))
    no_preview_failures(diags)
    assert SIGNING in by_policy(diags)


def test_unknown_ports_list_and_network_mode(pack: Analyzer) -> None:
    diags = pack.analyze(res.signer(ports=UNKNOWN_ARRAY, networkMode=UNKNOWN))
    no_preview_failures(diags)
    policies = by_policy(diags)
    assert {CLI, SIGNING, PUBLIC} <= set(policies)
    assert all(d.level == "mandatory" for d in policies[CLI])


def test_unknown_container_port_could_be_the_cli_port(pack: Analyzer) -> None:
    ports = [{"internal": UNKNOWN, "external": 9999, "ip": "127.0.0.1"}]
    diags = pack.analyze(res.signer(ports=ports))
    no_preview_failures(diags)
    assert "cannot be shown not to be the CLI port" in only(diags, CLI).message


def test_unknown_publish_all_ports(pack: Analyzer) -> None:
    diags = pack.analyze(res.signer(publishAllPorts=UNKNOWN_BOOL))
    no_preview_failures(diags)
    assert "publishAllPorts is unknown" in only(diags, CLI).message


def test_unknown_argument_hides_cli_addr(pack: Analyzer) -> None:
    command = [*res.signer_command(), UNKNOWN]
    diags = pack.analyze(res.signer(command=command))
    no_preview_failures(diags)
    assert "unknown at preview" in only(diags, CLI).message
    assert SECRETS in by_policy(diags)


def test_unknown_config_upload_content_does_not_configure_the_webhook(pack: Analyzer) -> None:
    props = res.signer_props(ip="0.0.0.0", webhook_url=WEBHOOK)
    props["uploads"][0]["content"] = secret(UNKNOWN)
    diags = pack.analyze(Resource(CONTAINER, "signer", props))
    no_preview_failures(diags)
    assert "not known at preview" in only(diags, SIGNING).message


def test_unknown_webhook_url_does_not_configure_the_webhook(pack: Analyzer) -> None:
    command = [*res.signer_command(), "-remoteSignerWebhookUrl", UNKNOWN]
    props = res.signer_props(ip="0.0.0.0", webhook_secret="tok3n", command=command)
    diags = pack.analyze(Resource(CONTAINER, "signer", props))
    no_preview_failures(diags)
    assert "-remoteSignerWebhookUrl value is unknown" in only(diags, SIGNING).message


def test_unknown_labels_and_image_still_find_the_signer_by_args(pack: Analyzer) -> None:
    props = res.signer_props(labels=UNKNOWN_ARRAY, image=UNKNOWN, ip="0.0.0.0")
    diags = pack.analyze(Resource(CONTAINER, "x", props))
    no_preview_failures(diags)
    assert SIGNING in by_policy(diags)
    assert IMAGES in by_policy(diags)


# --- allowlist -----------------------------------------------------------------------------------


def test_allowlisted_public_signer_with_webhook_passes(pack: Analyzer) -> None:
    pack.configure(
        {PUBLIC: {"allowedPublicPorts": [{"container": "clearinghouse-dev-signer", "port": 8081}]}}
    )
    ok = res.signer(ip="0.0.0.0", webhook_url=WEBHOOK, webhook_secret="tok3n")
    assert pack.analyze(ok) == []
    # The allowlist covers that container and port only.
    extra = res.signer_props(ip="0.0.0.0", webhook_url=WEBHOOK, webhook_secret="tok3n")
    extra["ports"].append({"internal": 9000, "external": 9000, "ip": "0.0.0.0"})
    d = only(pack.analyze(Resource(CONTAINER, "s", extra)), PUBLIC)
    assert "9000" in d.message
    # It never waives the webhook requirement or the CLI port.
    assert SIGNING in by_policy(pack.analyze(res.signer(ip="0.0.0.0")))


def test_allowlist_by_pulumi_resource_name(pack: Analyzer) -> None:
    pack.configure({PUBLIC: {"allowedPublicPorts": [{"container": "grafana", "port": 3000.0}]}})
    props = res.collector_props(ports=[{"internal": 3000, "external": 3000}])
    assert pack.analyze(Resource(CONTAINER, "grafana", props)) == []
    assert PUBLIC in by_policy(pack.analyze(Resource(CONTAINER, "other", props)))


def test_invalid_pack_config_is_reported_not_crashing(pack: Analyzer) -> None:
    pack.configure({PUBLIC: {"allowedPublicPorts": [{"container": "", "port": 1}]}})
    d = only(pack.analyze(res.collector()), PUBLIC)
    assert "pack config of no-public-ports is invalid" in d.message


def test_enforcement_level_can_be_lowered_by_config(pack: Analyzer) -> None:
    pack.configure({PUBLIC: {"enforcementLevel": "advisory"}})
    props = res.collector_props(ports=[{"internal": 4195, "external": 4195}])
    assert only(pack.analyze(Resource(CONTAINER, "c", props)), PUBLIC).level == "advisory"


# --- broker --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "port",
    [
        {"internal": 9092, "external": 9092},
        {"internal": 9644, "external": 19644, "ip": "::"},
        {"internal": 9092, "external": 9092, "ip": "0.0.0.0"},
        {"internal": 9092, "external": 9092, "ip": UNKNOWN},
    ],
)
def test_broker_ports_published_publicly(pack: Analyzer, port: dict[str, Any]) -> None:
    diags = pack.analyze(res.broker(ports=[port]))
    no_preview_failures(diags)
    d = only(diags, BROKER)
    assert str(port["internal"]) in d.message
    assert d.level == "mandatory"


def test_broker_port_on_loopback_passes_and_extra_ports_are_configurable(pack: Analyzer) -> None:
    assert pack.analyze(res.broker(ports=[{"internal": 9092, "ip": "127.0.0.1"}])) == []
    # A listener named in the command is protected too.
    command = [*res.broker_props()["command"], "--kafka-addr=internal://0.0.0.0:29092"]
    public = [{"internal": 29092, "external": 29092, "ip": "0.0.0.0"}]
    assert BROKER in by_policy(pack.analyze(res.broker(command=command, ports=public)))
    pack.configure({BROKER: {"additionalPorts": [7777]}})
    odd = [{"internal": 7777, "external": 7777}]
    assert BROKER in by_policy(pack.analyze(res.broker(ports=odd)))


def test_broker_recognised_by_command_without_label(pack: Analyzer) -> None:
    props = res.broker_props(labels=[], ports=[{"internal": 9092, "external": 9092}])
    assert BROKER in by_policy(pack.analyze(Resource(CONTAINER, "kafka", props)))


# --- secrets -------------------------------------------------------------------------------------


def test_secrets_in_command_and_environment(pack: Analyzer) -> None:
    key = "kpat_0123456789abcdefABCDEF0123"
    envs = [
        f"OPENMETER_API_KEY={key}",
        "LP_KAFKAPASSWORD=hunter2hunter2",
        "LOG_LEVEL=info",
        "TOKEN_FILE=/run/secrets/token",
    ]
    command = [*res.signer_command(), "-ethPassword=correct-horse-battery"]
    props = res.signer_props(command=command, envs=[secret(e) if "KEY" in e else e for e in envs])
    diags = by_policy(pack.analyze(Resource(CONTAINER, "signer", props)))[SECRETS]
    text = "\n".join(d.message for d in diags)
    assert "literal keystore password" in text
    assert "OPENMETER_API_KEY" in text
    assert "Kafka SASL password" in text
    assert "LOG_LEVEL" not in text
    assert "TOKEN_FILE" not in text
    for value in (key, "hunter2hunter2", "correct-horse-battery"):
        assert value not in text
    assert all(d.level == "mandatory" for d in diags)


def test_secret_env_name_allowlist(pack: Analyzer) -> None:
    props = res.collector_props(envs=["TOKEN_URL=https://example.org/token"])
    assert SECRETS in by_policy(pack.analyze(Resource(CONTAINER, "c", props)))
    pack.configure({SECRETS: {"allowedEnvNames": ["TOKEN_URL"]}})
    assert pack.analyze(Resource(CONTAINER, "c", props)) == []


def test_secret_uploads_are_not_secrets_in_the_clear(pack: Analyzer) -> None:
    # The collector's upload carries a bearer key: uploads are where secrets belong.
    assert pack.analyze(res.collector()) == []


def test_unknown_environment_entry_is_reported(pack: Analyzer) -> None:
    diags = pack.analyze(res.collector(envs=["A=1", UNKNOWN]))
    no_preview_failures(diags)
    assert "envs[1] is unknown at preview" in only(diags, SECRETS).message


# --- images --------------------------------------------------------------------------------------


@pytest.mark.parametrize("image", ["livepeer/go-livepeer", "livepeer/go-livepeer:latest"])
def test_unpinned_images_are_advisory(pack: Analyzer, image: str) -> None:
    d = only(pack.analyze(res.signer(image=image)), IMAGES)
    assert d.level == "advisory"
    assert image in d.message


def test_registry_port_is_not_a_tag(pack: Analyzer) -> None:
    d = only(pack.analyze(res.collector(image="registry.local:5000/collector")), IMAGES)
    assert "untagged" in d.message


def test_production_stack_requires_digests(pack: Analyzer) -> None:
    prod_labels = res.labels("collector", stack="prod-eu")
    d = only(pack.analyze(res.collector(labels=prod_labels)), IMAGES)
    assert "digest" in d.message
    digest = "sha256:" + "a" * 64
    image = f"ghcr.io/openmeterio/benthos-collector:v1.0.0@{digest}"
    assert pack.analyze(res.collector(labels=prod_labels, image=image)) == []
    # A tag-pinned image is fine in dev, unless the pattern says dev is production.
    assert pack.analyze(res.collector()) == []
    pack.configure({IMAGES: {"productionStackPattern": "^dev$"}})
    assert IMAGES in by_policy(pack.analyze(res.collector()))


# --- hardening -----------------------------------------------------------------------------------


def test_signer_hardening_is_mandatory(pack: Analyzer) -> None:
    soft: dict[str, Any] = {
        "privileged": True,
        "capabilities": {"drops": [], "adds": ["SYS_ADMIN"]},
        "securityOpts": [],
    }
    diags = [d for d in pack.analyze(res.signer(**soft)) if d.policy == HARD_SIGNER]
    assert len(diags) == 4
    assert all(d.level == "mandatory" for d in diags)
    assert HARD_OTHERS not in by_policy(pack.analyze(res.signer(**soft)))


def test_other_containers_hardening_is_advisory(pack: Analyzer) -> None:
    props = res.collector_props()
    del props["capabilities"]
    del props["securityOpts"]
    diags = pack.analyze(Resource(CONTAINER, "c", props))
    assert {d.policy for d in diags} == {HARD_OTHERS}
    assert all(d.level == "advisory" for d in diags)
    pack.configure({HARD_OTHERS: {"allowedCapabilityAdds": ["NET_BIND_SERVICE"]}})
    caps = {"drops": ["ALL"], "adds": ["NET_BIND_SERVICE"]}
    assert pack.analyze(res.collector(capabilities=caps)) == []


def test_unknown_hardening_values_are_reported(pack: Analyzer) -> None:
    diags = pack.analyze(res.signer(privileged=UNKNOWN_BOOL, capabilities=UNKNOWN))
    no_preview_failures(diags)
    assert len([d for d in diags if d.policy == HARD_SIGNER]) == 3


# --- dev-mode broker -----------------------------------------------------------------------------


def test_dev_mode_broker_in_production_stack(pack: Analyzer) -> None:
    assert pack.analyze(res.broker(dev_mode=True)) == []  # the dev stack
    d = only(pack.analyze(res.broker(dev_mode=True, stack="production")), DEV_MODE)
    assert d.level == "advisory"
    assert "redpandaDevMode=false" in d.message
    assert DEV_MODE not in by_policy(pack.analyze(res.broker(dev_mode=False, stack="production")))
    spaced = [*res.broker_props(dev_mode=False)["command"], "--mode", "dev-container"]
    assert DEV_MODE in by_policy(pack.analyze(res.broker(stack="prod", command=spaced)))


# --- stack: broker networks ------------------------------------------------------------------------


def test_broker_on_egress_network_is_reported_by_analyze_stack(pack: Analyzer) -> None:
    stack = res.dev_stack()
    props = res.broker_props(
        networksAdvanced=[{"name": res.INTERNAL_NET}, {"name": res.EGRESS_NET}]
    )
    stack[2] = Resource(CONTAINER, "clearinghouse-redpanda-container", props)
    diags = pack.analyze_stack(stack)
    d = only(diags, NETWORKS)
    assert res.EGRESS_NET in d.message
    assert "internal=false" in d.message
    assert d.urn.endswith("::clearinghouse-redpanda-container")


def test_broker_network_checks(pack: Analyzer) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"networkMode": "bridge"}, "not an internal network"),
        ({"networkMode": None, "networksAdvanced": []}, "not an internal network"),
        ({"networksAdvanced": [{"name": "elsewhere"}]}, "not a network declared in this stack"),
        ({"networksAdvanced": [{"name": UNKNOWN}]}, "unknown at preview"),
    ]
    # Like the program's broker: no networkMode, only networksAdvanced (the provider then
    # disconnects the default bridge).
    only_advanced = res.dev_stack()
    only_advanced[2] = Resource(CONTAINER, "rp", res.broker_props(networkMode=None))
    assert pack.analyze_stack(only_advanced) == []
    for override, expected in cases:
        stack = res.dev_stack()
        stack[2] = Resource(CONTAINER, "rp", res.broker_props(**override))
        assert expected in only(pack.analyze_stack(stack), NETWORKS).message, override
    unknown_internal = copy.deepcopy(res.dev_stack())
    unknown_internal[0] = Resource(
        NETWORK, "net", {**res.network_props(res.INTERNAL_NET, True), "internal": UNKNOWN_BOOL}
    )
    diags = pack.analyze_stack(unknown_internal)
    assert diags
    assert all(d.policy == NETWORKS and "unknown at preview" in d.message for d in diags)
