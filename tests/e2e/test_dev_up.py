"""`make up`'s stack preparation under the real CLI: local backend, passphrase, first-run secrets."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import yaml

from tests.e2e.engine import REPO, make_engine


def dev_up(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["scripts/dev-up.sh", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_dev_up_prepares_the_dev_stack_once_and_keeps_its_secrets(tmp_path: Path) -> None:
    engine = make_engine(tmp_path, "scratch")
    project = engine.project
    shutil.copy2(REPO / "Pulumi.dev.yaml", project / "Pulumi.dev.yaml")
    # A copy, not a link: bootstrap rewrites the launcher with this project's path.
    shutil.copytree(REPO / ".tools", project / ".tools", symlinks=True)
    env = {
        k: v
        for k, v in engine.env.items()
        if k not in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE")
    }

    first = dev_up(project, env, "init")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "generated signerKeystorePassword" in first.stdout
    stack_file = yaml.safe_load((project / "Pulumi.dev.yaml").read_text())
    config = stack_file["config"]
    for key in ("clearinghouse:signerKeystorePassword", "clearinghouse:signerEthUrl"):
        assert set(config[key]) == {"secure"}, f"{key} must be stored encrypted"
    # The tracked values are kept (the CLI rewrites them as strings).
    assert str(config["clearinghouse:redpandaDevMode"]).lower() == "true"
    passphrase = project / ".pulumi-state" / "dev-passphrase"
    assert stat.S_IMODE(passphrase.stat().st_mode) == 0o600
    assert (project / ".pulumi-state" / ".pulumi").is_dir()  # the local file backend

    second = dev_up(project, env, "init")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "generated" not in second.stdout
    again = yaml.safe_load((project / "Pulumi.dev.yaml").read_text())["config"]
    assert (
        again["clearinghouse:signerKeystorePassword"]
        == config["clearinghouse:signerKeystorePassword"]
    )

    # The real program accepts the dev stack's config; what stops a preview here is only the
    # docker provider plugin, which cannot be built on these machines.
    preview = dev_up(project, env, "preview")
    out = preview.stdout + preview.stderr
    assert "invalid stack config" not in out, out
    assert "no resource plugin 'pulumi-resource-docker'" in out, out
    assert "clearinghouse:signer:Signer clearinghouse-signer create" in out, out
