"""The pack's policies: pulumi_policy objects around the pure validators in `checks`.

Importing this module is side-effect free (only constructing `PolicyPack` starts a server), so
tests import it, and `policy/__main__.py` builds the pack from `build_policies()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)

from . import checks
from .config import (
    ALLOWED_CAP_ADDS_SCHEMA,
    ALLOWED_PUBLIC_PORTS_SCHEMA,
    BROKER_EXTRA_PORTS_SCHEMA,
    PRODUCTION_PATTERN_SCHEMA,
    SECRET_ENV_SCHEMA,
    ConfigError,
    allowed_public_ports,
    int_list,
    is_production,
    production_pattern,
    stack_names,
    str_list,
)
from .model import CONTAINER_TYPE, Container

PACK_NAME: Final = "clearinghouse-policies"

# (config, container) -> messages
ContainerCheck = Callable[[Mapping[str, object], Container], list[str]]


def _config(args: Any) -> Mapping[str, object]:
    config = args.get_config()
    return config if isinstance(config, Mapping) else {}


def _container_validator(policy_name: str, check: ContainerCheck) -> Callable[[Any, Any], None]:
    def validate(args: Any, report_violation: Any) -> None:
        if args.resource_type != CONTAINER_TYPE:
            return
        container = Container.from_props(args.name, args.urn, args.props)
        try:
            messages = check(_config(args), container)
        except ConfigError as exc:
            messages = [f"the pack config of {policy_name} is invalid: {exc}"]
        for message in messages:
            report_violation(message, None)

    return validate


def _cli_port(_: Mapping[str, object], c: Container) -> list[str]:
    return checks.check_signer_cli_port(c)


def _signing_port(_: Mapping[str, object], c: Container) -> list[str]:
    return checks.check_signer_signing_port(c)


def _public_ports(config: Mapping[str, object], c: Container) -> list[str]:
    return checks.check_no_public_ports(c, allowed_public_ports(config))


def _broker_public(config: Mapping[str, object], c: Container) -> list[str]:
    return checks.check_broker_not_public(c, int_list(config, "additionalPorts"))


def _secrets(config: Mapping[str, object], c: Container) -> list[str]:
    cfg = checks.SecretEnvConfig(
        allowed_names=frozenset(str_list(config, "allowedEnvNames")),
        additional_names=frozenset(str_list(config, "additionalSecretEnvNames")),
    )
    return checks.check_no_secrets_in_clear(c, cfg)


def _images(config: Mapping[str, object], c: Container) -> list[str]:
    production = is_production(production_pattern(config), stack_names([c]))
    return checks.check_pinned_image(c, production)


def _hardened_signer(config: Mapping[str, object], c: Container) -> list[str]:
    if not c.is_signer():
        return []
    return checks.check_hardened(c, str_list(config, "allowedCapabilityAdds"))


def _hardened_others(config: Mapping[str, object], c: Container) -> list[str]:
    if c.is_signer():
        return []
    return checks.check_hardened(c, str_list(config, "allowedCapabilityAdds"))


def _dev_mode(config: Mapping[str, object], c: Container) -> list[str]:
    production = is_production(production_pattern(config), stack_names([c]))
    return checks.check_dev_mode_broker(c, production)


def _broker_networks(args: Any, report_violation: Any) -> None:
    resources = [
        checks.StackResource(r.resource_type, r.name, r.urn, r.props) for r in args.resources
    ]
    for message, urn in checks.check_broker_networks(resources):
        report_violation(message, urn)


def _resource_policy(  # noqa: PLR0917 - one row of the pack's table
    name: str,
    description: str,
    check: ContainerCheck,
    level: Any,
    severity: Any,
    remediation: str,
    schema: dict[str, dict[str, object]] | None = None,
) -> Any:
    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=_container_validator(name, check),
        enforcement_level=level,
        config_schema=PolicyConfigSchema(properties=schema) if schema else None,
        severity=severity,
        remediation_steps=remediation,
        tags=["clearinghouse", "docker"],
    )


def build_policies() -> list[Any]:
    mandatory, advisory = EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY
    return [
        _resource_policy(
            "signer-cli-port-never-published",
            "The go-livepeer signer's CLI/admin port (unauthenticated, moves funds) is bound to "
            "loopback by an explicit -cliAddr and never published; no host network, no "
            "publish-all-ports.",
            _cli_port,
            mandatory,
            Severity.CRITICAL,
            "Pass -cliAddr=127.0.0.1:4935, remove any `ports` entry for the CLI port, keep "
            "networkMode a bridge network and publishAllPorts false.",
        ),
        _resource_policy(
            "signer-signing-port-loopback-unless-webhook",
            "A published signer port binds only loopback addresses unless the signer has an "
            "identity webhook (-remoteSignerWebhookUrl) with an Authorization header.",
            _signing_port,
            mandatory,
            Severity.CRITICAL,
            "Set ports[].ip to 127.0.0.1, or configure signerWebhookUrl and signerWebhookSecret.",
        ),
        _resource_policy(
            "no-public-ports",
            "No container publishes a port on a non-loopback address unless the pack config "
            "allowlists that container and port.",
            _public_ports,
            mandatory,
            Severity.HIGH,
            "Bind published ports to 127.0.0.1, or allowlist {container, port} in "
            "allowedPublicPorts.",
            {"allowedPublicPorts": ALLOWED_PUBLIC_PORTS_SCHEMA},
        ),
        _resource_policy(
            "broker-not-public",
            "The Redpanda broker's Kafka and admin ports are never published on a non-loopback "
            "address.",
            _broker_public,
            mandatory,
            Severity.HIGH,
            "Do not publish broker ports; clients reach it on the internal network.",
            {"additionalPorts": BROKER_EXTRA_PORTS_SCHEMA},
        ),
        _resource_policy(
            "no-secrets-in-clear",
            "No container's command or environment carries a secret in plaintext (webhook "
            "Authorization header, OpenMeter API key, keystore or Kafka password, RPC URL).",
            _secrets,
            mandatory,
            Severity.HIGH,
            "Put secrets in secret uploads (files) read by the process, never in command or envs.",
            SECRET_ENV_SCHEMA,
        ),
        _resource_policy(
            "pinned-images",
            "Images are pinned: no :latest or untagged image; production stacks pin by digest.",
            _images,
            advisory,
            Severity.MEDIUM,
            "Pin image tags; in production use repo:tag@sha256:<digest>.",
            {"productionStackPattern": PRODUCTION_PATTERN_SCHEMA},
        ),
        _resource_policy(
            "hardened-signer",
            "The signer container is hardened: not privileged, all capabilities dropped, "
            "no-new-privileges set.",
            _hardened_signer,
            mandatory,
            Severity.HIGH,
            'privileged=false, capabilities={"drops": ["ALL"]}, '
            'securityOpts=["no-new-privileges:true"].',
            {"allowedCapabilityAdds": ALLOWED_CAP_ADDS_SCHEMA},
        ),
        _resource_policy(
            "hardened-containers",
            "Containers other than the signer are hardened: not privileged, all capabilities "
            "dropped, no-new-privileges set.",
            _hardened_others,
            advisory,
            Severity.MEDIUM,
            'privileged=false, capabilities={"drops": ["ALL"]}, '
            'securityOpts=["no-new-privileges:true"].',
            {"allowedCapabilityAdds": ALLOWED_CAP_ADDS_SCHEMA},
        ),
        _resource_policy(
            "no-dev-mode-broker-in-production",
            "Stacks whose name matches the production pattern do not run Redpanda in "
            "dev-container mode.",
            _dev_mode,
            advisory,
            Severity.HIGH,
            "Set redpandaDevMode=false in production stacks.",
            {"productionStackPattern": PRODUCTION_PATTERN_SCHEMA},
        ),
        StackValidationPolicy(
            name="broker-internal-networks-only",
            description="The broker is attached only to networks this stack declares as "
            "internal (no route out).",
            validate=_broker_networks,
            enforcement_level=advisory,
            severity=Severity.MEDIUM,
            remediation_steps="Attach the broker only to the internal docker.Network and set "
            "networkMode to it.",
            tags=["clearinghouse", "docker"],
        ),
    ]
