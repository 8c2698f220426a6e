"""The real program's resources (its own mock run) through the real analyzer.

Each registered resource's inputs go to Analyze exactly as the engine received them from the
program (`raw_inputs`: the protobuf Struct with secrets still wrapped), then all of them to
AnalyzeStack.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policy.analyzer import Analyzer, Diagnostic, Resource, struct_to_dict
from tests.program_mock import ProgramRun, dev_stack_config, run_program

SECRETS = {
    "signerEthUrl": "https://arb-mainnet.example.org/v2/0123456789abcdef0123",
    "signerKeystorePassword": "correct-horse-battery-staple",
}
WEBHOOK_SECRET = "webhook-bearer-0123456789"


def _run(extra: dict[str, Any], secret_keys: set[str], stack: str = "dev") -> ProgramRun:
    config = {**dev_stack_config(), **SECRETS, **extra}
    return run_program(config, set(SECRETS) | secret_keys, stack=stack)


def _resources(run: ProgramRun) -> list[Resource]:
    return [Resource(r.type, r.name, r.raw_inputs, r.urn) for r in run.resources]


def _analyze_all(pack: Analyzer, resources: list[Resource]) -> list[Diagnostic]:
    diags = [d for r in resources for d in pack.analyze(r)]
    return diags + pack.analyze_stack(resources)


@pytest.fixture(scope="module")
def dev_run() -> ProgramRun:
    return _run({}, set())


@pytest.fixture(scope="module")
def public_webhook_run() -> ProgramRun:
    # An operator exposing the signer publicly behind the identity webhook.
    return _run(
        {
            "signerBindAddress": "0.0.0.0",
            "signerWebhookUrl": "https://auth.example.org/authorize",
            "signerWebhookSecret": WEBHOOK_SECRET,
        },
        {"signerWebhookSecret"},
    )


def test_dev_stack_from_the_program_passes_with_no_violation(
    pack: Analyzer, dev_run: ProgramRun
) -> None:
    resources = _resources(dev_run)
    containers = dev_run.containers()
    # The run declared what the policies are about, so passing means something.
    assert {"signer", "broker"} <= set(containers)
    assert any(r.type == "docker:index/network:Network" for r in resources)
    assert _analyze_all(pack, resources) == []


def test_program_signer_secrets_reach_the_pack_only_inside_secret_uploads(
    dev_run: ProgramRun,
) -> None:
    signer = dev_run.containers()["signer"]
    command = " ".join(signer.inputs["command"])
    assert SECRETS["signerKeystorePassword"] not in command
    assert SECRETS["signerEthUrl"] not in command
    assert "-cliAddr=127.0.0.1:4935" in signer.inputs["command"]


def test_public_signer_behind_the_webhook_needs_only_the_allowlist(
    pack: Analyzer, public_webhook_run: ProgramRun
) -> None:
    resources = _resources(public_webhook_run)
    diags = _analyze_all(pack, resources)
    # The Authorization header sits in the program's secret config upload and is recognised:
    # only the public-port allowlist is missing.
    assert {d.policy for d in diags} == {"no-public-ports"}
    assert all(WEBHOOK_SECRET not in d.message for d in diags)
    signer = public_webhook_run.containers()["signer"]
    pack.configure(
        {
            "no-public-ports": {
                "allowedPublicPorts": [{"container": signer.inputs["name"], "port": 8081}]
            }
        }
    )
    assert _analyze_all(pack, resources) == []


def test_program_signer_published_publicly_without_webhook_is_stopped(
    pack: Analyzer, dev_run: ProgramRun
) -> None:
    # The settings already refuse signerBindAddress=0.0.0.0 without the webhook; the pack is the
    # second line: the program's own signer with only its bind address changed.
    signer = dev_run.containers()["signer"]
    props = struct_to_dict(signer.raw_inputs)
    props["ports"][0]["ip"] = "0.0.0.0"
    diags = pack.analyze(Resource(signer.type, signer.name, props, signer.urn))
    policies = {d.policy for d in diags}
    assert policies == {"signer-signing-port-loopback-unless-webhook", "no-public-ports"}
    assert all(d.level == "mandatory" for d in diags)
    assert all(SECRETS["signerEthUrl"] not in d.message for d in diags)


def test_production_stack_with_dev_mode_broker_is_flagged(pack: Analyzer) -> None:
    run = _run({}, set(), stack="prod")
    policies = {d.policy for d in _analyze_all(pack, _resources(run))}
    assert "no-dev-mode-broker-in-production" in policies
    assert "pinned-images" in policies  # tags, not digests
