"""The go-livepeer remote signer: loopback-published signing port, never-published admin port."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from components import container_defaults
from components.network import Placement
from settings.model import KafkaSettings, SignerSettings

# Secrets live in files on a dedicated volume (uploads into a read-only root filesystem are
# refused by Docker, uploads into a volume are not). Nothing secret is on the command line or
# in the environment: both are visible to anyone who can `docker inspect`.
SECRETS_DIR = "/run/livepeer"
CONFIG_FILE = f"{SECRETS_DIR}/livepeer.conf"
PASSWORD_FILE = f"{SECRETS_DIR}/eth-password"
KEYSTORE_DIR = f"{SECRETS_DIR}/keystore"
KEYSTORE_FILE = f"{KEYSTORE_DIR}/signer-key.json"
DATA_DIR = "/data"
SECRET_FILE_MODE = "0400"  # noqa: S105 - a file mode, not a password


def livepeer_args(signer: SignerSettings, kafka: KafkaSettings) -> list[str]:
    """The livepeer argument list (the image ENTRYPOINT is the livepeer binary)."""
    args = [
        "-remoteSigner",
        f"-network={signer.network}",
        # Inside the container the signing server listens everywhere; exposure is decided by
        # the published port alone.
        f"-httpAddr=0.0.0.0:{signer.http_port}",
        # v0.8.11 has no default and would listen on all interfaces: always explicit.
        f"-cliAddr=127.0.0.1:{signer.cli_port}",
        f"-ethPassword={PASSWORD_FILE}",
        f"-datadir={DATA_DIR}",
        # -monitor also gates the Kafka event producer: without it no usage is emitted.
        "-monitor",
        f"-kafkaBootstrapServers={','.join(kafka.brokers)}",
        f"-kafkaGatewayTopic={kafka.topic}",
    ]
    if kafka.sasl is not None:
        args.append(f"-kafkaUser={kafka.sasl.user}")
    if signer.account_address is not None:
        args.append(f"-ethAcctAddr={signer.account_address}")
    if signer.keystore_json is not None:
        args.append(f"-ethKeystorePath={KEYSTORE_DIR}")
    if signer.webhook is not None:
        args.append(f"-remoteSignerWebhookUrl={signer.webhook.url}")
    args.append(f"-config={CONFIG_FILE}")
    return args


def livepeer_config_file(signer: SignerSettings, kafka: KafkaSettings) -> str:
    """Secret flags in go-livepeer's plain config format (`flagname value`, one per line)."""
    lines = [f"ethUrl {signer.eth_url.get_secret_value()}"]
    if signer.webhook is not None:
        # Rules reject commas in the secret: go-livepeer splits this flag on commas.
        secret = signer.webhook.secret.get_secret_value()
        lines.append(f"remoteSignerWebhookHeaders Authorization:Bearer {secret}")
    if kafka.sasl is not None:
        lines.append(f"kafkaPassword {kafka.sasl.password.get_secret_value()}")
    return "\n".join(lines) + "\n"


def secret_uploads(
    signer: SignerSettings, kafka: KafkaSettings
) -> list[docker.ContainerUploadArgs]:
    files = {
        CONFIG_FILE: livepeer_config_file(signer, kafka),
        PASSWORD_FILE: signer.keystore_password.get_secret_value(),
    }
    if signer.keystore_json is not None:
        files[KEYSTORE_FILE] = signer.keystore_json.get_secret_value()
    return [
        docker.ContainerUploadArgs(
            file=path, content=pulumi.Output.secret(content), permissions=SECRET_FILE_MODE
        )
        for path, content in files.items()
    ]


@dataclass(frozen=True)
class SignerArgs:
    settings: SignerSettings
    kafka: KafkaSettings
    placement: Placement
    depends_on: Sequence[pulumi.Resource]


class Signer(pulumi.ComponentResource):
    container: docker.Container
    url: pulumi.Output[str]

    def __init__(
        self, name: str, args: SignerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clearinghouse:signer:Signer", name, None, opts)
        s = args.settings
        child = pulumi.ResourceOptions(parent=self, provider=args.placement.provider)
        secrets = docker.Volume(
            f"{name}-secrets", name=f"{args.placement.name_prefix}-signer-secrets", opts=child
        )
        volumes = [docker.ContainerVolumeArgs(volume_name=secrets.name, container_path=SECRETS_DIR)]
        if s.data_host_path is not None:
            volumes.append(
                docker.ContainerVolumeArgs(host_path=s.data_host_path, container_path=DATA_DIR)
            )
            data_deps: list[pulumi.Resource] = [secrets]
        else:
            # Holds the chain DB and, without a supplied keystore, the generated key to the
            # deposit: destroying the stack must not destroy it.
            data = docker.Volume(
                f"{name}-data",
                name=f"{args.placement.name_prefix}-signer-data",
                opts=child.merge(pulumi.ResourceOptions(retain_on_delete=True)),
            )
            volumes.append(
                docker.ContainerVolumeArgs(volume_name=data.name, container_path=DATA_DIR)
            )
            data_deps = [secrets, data]
        self.container = docker.Container(
            f"{name}-container",
            name=f"{args.placement.name_prefix}-signer",
            image=s.image,
            command=livepeer_args(s, args.kafka),
            # Only the signing port. The CLI port stays unpublished: it moves funds unauthenticated.
            ports=[
                docker.ContainerPortArgs(
                    internal=s.http_port, external=s.host_port, ip=s.bind_address, protocol="tcp"
                )
            ],
            publish_all_ports=False,
            **container_defaults.on_egress_and_internal(
                args.placement.egress, args.placement.internal
            ),
            hosts=[docker.ContainerHostArgs(host="host.docker.internal", ip="host-gateway")],
            uploads=secret_uploads(s, args.kafka),
            volumes=volumes,
            **container_defaults.hardened(
                role="signer",
                labels=args.placement.labels,
                memory_mib=s.memory_mib,
                cpus=s.cpus,
                tmp_mib=64,
            ),
            opts=child.merge(pulumi.ResourceOptions(depends_on=[*data_deps, *args.depends_on])),
        )
        host = f"[{s.bind_address}]" if ":" in s.bind_address else s.bind_address
        self.url = pulumi.Output.from_input(f"http://{host}:{s.host_port}")
        self.register_outputs({"url": self.url, "container_name": self.container.name})
