"""The topic script runs for real against a stand-in `docker` that behaves like rpk."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from components.topic_script import ensure_topic_script

FAKE_DOCKER = r"""#!/bin/sh
# Stand-in for `docker exec <container> rpk topic ...`, keeping topics in $STATE.
echo "$*" >> "$STATE/calls"
[ "$1" = exec ] || { echo "unexpected docker call: $*" >&2; exit 2; }
container=$2; shift 2
[ "$container" = "$EXPECT_CONTAINER" ] || { echo "no such container: $container" >&2; exit 1; }
if [ -e "$STATE/broker-down" ]; then echo "unable to dial: connection refused" >&2; exit 1; fi
case "$1 $2 $3" in
  "rpk topic create")
    topic=$4
    if [ -e "$STATE/topic-$topic" ]; then
      printf 'TOPIC  STATUS\n%s  TOPIC_ALREADY_EXISTS: The topic has already been created.\n' "$topic"
      exit 1
    fi
    touch "$STATE/topic-$topic"; printf 'TOPIC  STATUS\n%s  OK\n' "$topic" ;;
  "rpk topic alter-config")
    [ -e "$STATE/topic-$4" ] || { echo "UNKNOWN_TOPIC_OR_PARTITION" >&2; exit 1; }
    echo "$6" > "$STATE/config-$4" ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
"""


@pytest.fixture
def fake_docker(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    docker = bin_dir / "docker"
    docker.write_text(FAKE_DOCKER)
    docker.chmod(docker.stat().st_mode | stat.S_IEXEC)
    state = tmp_path / "state"
    state.mkdir()
    return {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "STATE": str(state),
        "EXPECT_CONTAINER": "clearinghouse-dev-redpanda",
    }


def run(
    env: dict[str, str], topic: str = "livepeer-gateway-events"
) -> subprocess.CompletedProcess[str]:
    script = ensure_topic_script("clearinghouse-dev-redpanda", topic, 3, 86_400_000)
    return subprocess.run(
        ["/bin/sh", "-c", script], env=env, capture_output=True, text=True, check=False
    )


def test_creates_a_missing_topic_with_partitions_and_retention(fake_docker):
    result = run(fake_docker)
    assert result.returncode == 0, result.stderr
    state = Path(fake_docker["STATE"])
    calls = (state / "calls").read_text().splitlines()
    assert calls[0] == (
        "exec clearinghouse-dev-redpanda rpk topic create livepeer-gateway-events "
        "-p 3 -r 1 -c retention.ms=86400000"
    )
    assert (state / "config-livepeer-gateway-events").read_text().strip() == "retention.ms=86400000"


def test_second_run_succeeds_and_converges_retention(fake_docker):
    assert run(fake_docker).returncode == 0
    second = run(fake_docker)
    assert second.returncode == 0, second.stderr
    assert "already exists" in second.stdout
    calls = (Path(fake_docker["STATE"]) / "calls").read_text().splitlines()
    assert sum("alter-config" in c for c in calls) == 2


def test_broker_failure_fails_the_command(fake_docker):
    (Path(fake_docker["STATE"]) / "broker-down").touch()
    result = run(fake_docker)
    assert result.returncode != 0
    assert "connection refused" in result.stderr


def test_topic_names_are_quoted(fake_docker):
    script = ensure_topic_script("c; rm -rf /", "t$(id)", 1, 1)
    assert "container='c; rm -rf /'" in script
    assert "topic='t$(id)'" in script
    # Every later use goes through the quoted variables, never the raw text.
    assert script.count("$(id)") == 1
