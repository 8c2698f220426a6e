"""Run the real Pulumi CLI (built by scripts/bootstrap.sh into .tools/bin) on a copy of the project.

Everything is isolated in a tmp dir: PULUMI_HOME, a file:// backend, the passphrase secrets
provider, no update check and no plugin downloads. The copy links the repository's .venv (the
Pulumi.yaml `virtualenv: .venv`) and never writes into the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / ".tools" / "bin"
PASSPHRASE = "e2e-passphrase"
TOOLS_NEEDED = ("pulumi", "pulumi-language-python", "pulumi-language-python-exec",
                "pulumi-resource-pulumi-python")  # fmt: skip


def require_tools() -> None:
    missing = [name for name in TOOLS_NEEDED if not (TOOLS / name).exists()]
    if missing:
        raise AssertionError(
            f"missing {', '.join(missing)} in {TOOLS}: run scripts/bootstrap.sh first"
        )


@dataclass
class Engine:
    project: Path
    env: dict[str, str]

    def run(self, *args: str, check: bool = True, timeout: float = 120) -> str:
        proc = subprocess.run(
            ["pulumi", *args, "--non-interactive"],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        out = proc.stdout + proc.stderr
        if check and proc.returncode != 0:
            raise AssertionError(f"pulumi {' '.join(args)} exited {proc.returncode}:\n{out}")
        if not check and proc.returncode == 0:
            raise AssertionError(f"pulumi {' '.join(args)} unexpectedly succeeded:\n{out}")
        return out

    def config(self, key: str, value: str, *, secret: bool = False, path: bool = False) -> None:
        flags = (["--secret"] if secret else []) + (["--path"] if path else [])
        self.run("config", "set", *flags, key, value)


def make_engine(tmp: Path, stack: str) -> Engine:
    require_tools()
    project = tmp / "project"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    for rel in filter(None, tracked.split("\0")):
        if rel.startswith(("tests/", ".ci/")) or (
            rel.startswith("Pulumi.") and rel != "Pulumi.yaml"
        ):
            continue
        dest = project / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, dest)
    (project / ".venv").symlink_to(REPO / ".venv")
    (tmp / "state").mkdir()
    (tmp / "home").mkdir()
    env = {
        "PATH": f"{TOOLS}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(tmp / "home"),
        "PULUMI_HOME": str(tmp / "home"),
        "PULUMI_BACKEND_URL": f"file://{tmp / 'state'}",
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_SKIP_CONFIRMATIONS": "true",
        "NO_COLOR": "1",
    }
    engine = Engine(project, env)
    engine.run("stack", "init", stack)
    return engine
