"""The validators called directly with hand-built arguments (no analyzer process)."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from policy.clearinghouse_policies import checks, config
from policy.clearinghouse_policies.model import (
    UNKNOWN,
    Container,
    Exposure,
    classify_host_ip,
    is_loopback,
    plain,
    split_host_port,
)
from tests.policy import resources as res
from tests.policy.analyzer import UNKNOWN as UNKNOWN_SENTINEL
from tests.policy.analyzer import secret


def container(props: dict[str, Any], name: str = "r") -> Container:
    """Properties exactly as a validator receives them from the SDK (proxied, secrets unwrapped)."""
    proxied = unknown_checking_proxy(deserialize_properties(props))
    return Container.from_props(name, f"urn:pulumi:dev::p::t::{name}", proxied)


# --- model -----------------------------------------------------------------------------------------


def test_plain_unwraps_the_sdk_proxies_without_raising_on_unknowns() -> None:
    proxied = unknown_checking_proxy(
        deserialize_properties(
            {"ports": [{"ip": UNKNOWN_SENTINEL, "internal": 8081.0}], "x": secret("v")}
        )
    )
    with pytest.raises(UnknownValueError):
        _ = proxied["ports"][0]["ip"]  # what a naive policy would hit
    view = plain(proxied)
    assert view == {"ports": [{"ip": UNKNOWN, "internal": 8081.0}], "x": "v"}


def test_plain_unwraps_a_secret_signature_left_in_place() -> None:
    assert plain({"a": secret(["x", UNKNOWN_SENTINEL])}) == {"a": ["x", UNKNOWN]}


@pytest.mark.parametrize(
    ("ip", "exposure"),
    [
        (None, Exposure.PUBLIC),
        ("", Exposure.PUBLIC),
        ("0.0.0.0", Exposure.PUBLIC),
        ("::", Exposure.PUBLIC),
        ("10.1.2.3", Exposure.PUBLIC),
        ("localhost", Exposure.PUBLIC),
        ("127.0.0.1", Exposure.LOOPBACK),
        ("127.255.0.9", Exposure.LOOPBACK),
        ("::1", Exposure.LOOPBACK),
        ("[::1]", Exposure.LOOPBACK),
        ("::ffff:127.0.0.1", Exposure.LOOPBACK),
        ("127.0.0.0/8", Exposure.LOOPBACK),
        ("0.0.0.0/0", Exposure.PUBLIC),
        (UNKNOWN, Exposure.UNKNOWN),
    ],
)
def test_classify_host_ip(ip: object, exposure: Exposure) -> None:
    assert classify_host_ip(ip).exposure is exposure


def test_split_host_port_and_loopback() -> None:
    assert split_host_port("127.0.0.1:4935") == ("127.0.0.1", 4935)
    assert split_host_port("[::1]:4935") == ("::1", 4935)
    assert split_host_port(":4935") == ("", 4935)
    assert split_host_port("127.0.0.1") == ("127.0.0.1", None)
    assert not is_loopback("")
    assert is_loopback("::1")


def test_flag_parsing_follows_go() -> None:
    c = container(
        {
            "command": [
                "-remoteSigner",
                "-cliAddr",
                "127.0.0.1:1",
                "--cliAddr=127.0.0.1:2",
                "-monitor",
                "-network=x",
            ]
        }
    )
    flag = c.args.last("cliAddr")
    assert flag is not None
    assert flag.value == "127.0.0.1:2"
    assert c.args.has_flag("remoteSigner")
    assert c.args.has_flag("monitor")
    assert c.is_signer()


def test_shell_form_command_is_read() -> None:
    c = container(
        {"entrypoints": ["/bin/sh", "-c"], "command": ["livepeer -remoteSigner -cliAddr=:4935"]}
    )
    assert c.is_signer()
    assert "not to a loopback address" in "\n".join(checks.check_signer_cli_port(c))


def test_go_livepeer_image_with_unknown_command_is_treated_as_signer() -> None:
    c = container({"image": "livepeer/go-livepeer:v0.8.11", "command": [UNKNOWN_SENTINEL]})
    assert c.is_signer()
    assert not container({"image": "livepeer/go-livepeer:v0.8.11", "command": []}).is_signer()


# --- signer ---------------------------------------------------------------------------------------


def test_cli_checks_on_the_program_shaped_signer() -> None:
    assert checks.check_signer_cli_port(container(res.signer_props())) == []
    published = res.signer_props(ports=[{"internal": 4935, "external": 1, "ip": "127.0.0.1"}])
    (message,) = checks.check_signer_cli_port(container(published, "sig"))
    assert "resource 'sig'" in message
    assert "container port 4935/tcp published on 127.0.0.1 host port 1" in message
    assert "Fix: remove this entry" in message


def test_cli_check_ignores_non_signers() -> None:
    props = res.collector_props(ports=[{"internal": 4935, "external": 4935}])
    assert checks.check_signer_cli_port(container(props)) == []


def test_config_file_values() -> None:
    text = "# comment\n\nethUrl https://x\n-remoteSignerWebhookHeaders  Authorization:Bearer a\n"
    assert checks.config_file_values(text) == {
        "ethUrl": "https://x",
        "remoteSignerWebhookHeaders": "Authorization:Bearer a",
    }


@pytest.mark.parametrize(
    ("command_extra", "envs", "file_secret", "configured", "reason"),
    [
        ([], None, "t", False, "no -remoteSignerWebhookUrl"),
        (["-remoteSignerWebhookUrl="], None, "t", False, "is empty"),
        (["-remoteSignerWebhookUrl=ftp://x"], None, "t", False, "not an http(s) URL"),
        (["-remoteSignerWebhookUrl=https://a.example"], None, "t", True, "config file"),
        (["-remoteSignerWebhookUrl=https://a.example"], None, None, False, "no remoteSigner"),
        (
            ["-remoteSignerWebhookUrl=https://a.example", "-remoteSignerWebhookHeaders=K:v"],
            None,
            "t",
            False,
            "overrides",
        ),
        (
            ["-remoteSignerWebhookUrl=https://a.example"],
            ["LP_REMOTESIGNERWEBHOOKHEADERS=authorization: Bearer q"],
            None,
            True,
            "environment",
        ),
        (
            ["-remoteSignerWebhookUrl=https://a.example"],
            ["LP_REMOTESIGNERWEBHOOKHEADERS=Authorization:"],
            "t",
            False,
            "LP_REMOTESIGNERWEBHOOKHEADERS has no Authorization",
        ),
    ],
)
def test_webhook_status(
    command_extra: list[str],
    envs: list[str] | None,
    file_secret: str | None,
    configured: bool,
    reason: str,
) -> None:
    props = res.signer_props(webhook_secret=file_secret)
    props["command"] = res.signer_command(*command_extra)
    if envs is not None:
        props["envs"] = envs
    status = checks.webhook_status(container(props))
    assert status.configured is configured
    assert reason in status.reason


def test_webhook_header_in_base64_upload_and_missing_upload() -> None:
    props = res.signer_props()
    props["command"] = res.signer_command("-remoteSignerWebhookUrl=https://a.example")
    content = res.signer_config_file("tok")
    props["uploads"][0] = {
        "file": res.CONFIG_FILE,
        "contentBase64": secret(base64.b64encode(content.encode()).decode()),
    }
    assert checks.webhook_status(container(props)).configured
    props["uploads"] = props["uploads"][1:]
    assert "no upload writes" in checks.webhook_status(container(props)).reason
    props["uploads"] = [{"file": res.CONFIG_FILE, "source": "/host/livepeer.conf"}]
    assert "not known at preview" in checks.webhook_status(container(props)).reason


def test_signing_port_message_names_resource_port_address_and_fix() -> None:
    (message,) = checks.check_signer_signing_port(container(res.signer_props(ip="::"), "sig"))
    assert "resource 'sig'" in message
    assert "8081/tcp published on :: host port 8081" in message
    assert "Fix: set ports[].ip to 127.0.0.1" in message


# --- public ports, broker --------------------------------------------------------------------------


def test_no_public_ports_with_allowlist() -> None:
    props = res.collector_props(
        ports=[{"internal": 80, "external": 8080, "ip": "0.0.0.0"}, {"internal": 81}]
    )
    c = container(props, "web")
    allow = [config.PortAllowance("web", 80)]
    (message,) = checks.check_no_public_ports(c, allow)
    assert "container port 81/tcp published on 0.0.0.0 (ip omitted" in message
    assert "<a random host port>" in message
    assert '"port": 81' in message
    assert len(checks.check_no_public_ports(c, [])) == 2


def test_broker_ports_from_listener_flags() -> None:
    c = container(
        res.broker_props(
            command=[
                "redpanda",
                "start",
                "--kafka-addr",
                "internal://0.0.0.0:9092,external://0.0.0.0:19092",
                "--pandaproxy-addr=0.0.0.0:18082",
            ]
        )
    )
    assert {19092, 18082, 9092, 9644} <= checks.broker_ports(c)
    assert checks.broker_ports(c, [1234]) >= {1234}


def test_broker_non_protected_port_is_left_to_no_public_ports() -> None:
    c = container(res.broker_props(ports=[{"internal": 5555, "external": 5555}]))
    assert checks.check_broker_not_public(c) == []
    assert checks.check_no_public_ports(c, [])


# --- secrets ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "flagged"),
    [
        ("OPENMETER_API_KEY=abc", True),
        ("OM_TOKEN=abc", True),
        ("DB_PASSWORD=abc", True),
        ("DB_PASSWORD_FILE=/run/secrets/db", False),
        ("DB_PASSWORD=/run/secrets/db", False),
        ("DB_PASSWORD=", False),
        ("HEADER=Bearer abcdefghijkl", True),
        ("ANYTHING=spat_0123456789abcdef01", True),
        ("LP_ETHPASSWORD=/run/livepeer/eth-password", False),
        ("LP_ETHPASSWORD=hunter2pw", True),
        ("LP_ETHURL=https://rpc.example/key", True),
        ("PATH=/usr/bin", False),
        ("KEYBOARD=us", False),
    ],
)
def test_secret_env_heuristics(entry: str, flagged: bool) -> None:
    found = checks.check_no_secrets_in_clear(container(res.collector_props(envs=[entry])))
    assert bool(found) is flagged
    value = entry.partition("=")[2]
    assert all(value not in m for m in found) or not value


def test_secret_env_config_adds_and_allows_names() -> None:
    c = container(res.collector_props(envs=["MY_CREDS_VAR=abc", "API_TOKEN=xyz"]))
    cfg = checks.SecretEnvConfig(
        allowed_names=frozenset({"API_TOKEN"}), additional_names=frozenset({"MY_CREDS_VAR"})
    )
    (message,) = checks.check_no_secrets_in_clear(c, cfg)
    assert "MY_CREDS_VAR" in message


def test_secret_flags_in_command() -> None:
    command = [
        "-ethUrl=https://arb.example/v2/key",
        "-kafkaPassword",
        "pw",
        "-ethPassword=/run/pw",
        "-x=Bearer abcdefghijklmnop",
    ]
    found = checks.check_no_secrets_in_clear(container(res.collector_props(command=command)))
    text = "\n".join(found)
    assert "-ethUrl" in text
    assert "-kafkaPassword" in text
    assert "in -ethPassword" not in text
    assert "Authorization credential in -x" in text
    assert "abcdefghijklmnop" not in text


# --- images, hardening, dev mode, config -------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "production", "ok"),
    [
        ("redpanda:v24.2.4", False, True),
        ("redpanda:v24.2.4", True, False),
        ("redpanda", False, False),
        ("redpanda:latest", False, False),
        ("host:5000/redpanda", False, False),
        ("host:5000/redpanda:v1", False, True),
        ("redpanda@sha256:" + "0" * 64, True, True),
        ("redpanda:v1@sha256:" + "0" * 64, True, True),
    ],
)
def test_pinned_image(image: str, production: bool, ok: bool) -> None:
    assert (checks.check_pinned_image(container({"image": image}), production) == []) is ok


def test_hardening_accepts_the_program_defaults_and_spellings() -> None:
    assert checks.check_hardened(container(res.signer_props())) == []
    spelled = res.signer_props(
        capabilities={"drops": ["all"]}, securityOpts=["no-new-privileges=true"]
    )
    assert checks.check_hardened(container(spelled)) == []
    assert checks.check_hardened(container(res.signer_props(securityOpts=["seccomp=x"])))
    assert len(checks.check_hardened(container({}))) == 2


def test_dev_mode_needs_production_and_broker() -> None:
    broker = container(res.broker_props(dev_mode=True))
    assert checks.check_dev_mode_broker(broker, production=False) == []
    assert checks.check_dev_mode_broker(broker, production=True)
    assert checks.check_dev_mode_broker(container(res.collector_props()), production=True) == []


@pytest.mark.parametrize(
    ("name", "production"),
    [
        ("prod", True),
        ("production", True),
        ("prod-eu", True),
        ("eu-prod", True),
        ("acme.prd", True),
        ("preprod", False),
        ("product-demo", False),
        ("dev", False),
        ("staging", False),
    ],
)
def test_default_production_pattern(
    name: str, production: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_STACK", raising=False)
    pattern = config.production_pattern({})
    assert config.is_production(pattern, [name]) is production


def test_stack_names_come_from_the_engine_and_the_label(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_STACK", "dev")
    c = container({"labels": res.labels("broker", stack="prod")})
    assert config.stack_names([c]) == ["dev", "prod"]
    unknown = container({"labels": [{"label": "clearinghouse.stack", "value": UNKNOWN_SENTINEL}]})
    assert config.is_production(re.compile("^prod$"), config.stack_names([unknown]))


def test_config_parsing_errors() -> None:
    with pytest.raises(config.ConfigError):
        config.production_pattern({"productionStackPattern": "("})
    with pytest.raises(config.ConfigError):
        config.allowed_public_ports({"allowedPublicPorts": [{"container": "a"}]})
    with pytest.raises(config.ConfigError):
        config.int_list({"additionalPorts": ["x"]}, "additionalPorts")
    assert config.allowed_public_ports({"allowedPublicPorts": [{"container": "a", "port": 1.0}]})[
        0
    ] == config.PortAllowance("a", 1)
