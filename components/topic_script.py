"""The shell script that makes a Kafka topic exist inside the Redpanda container, idempotently."""

from __future__ import annotations

import shlex


def ensure_topic_script(container: str, topic: str, partitions: int, retention_ms: int) -> str:
    """Create the topic if missing, then converge its retention.

    go-livepeer never creates its topic, and auto-creation is off outside dev-container mode, so
    the stack must. `rpk topic create` fails with TOPIC_ALREADY_EXISTS on a re-run; that is
    success here. Partitions are set only at creation (Kafka can only add them, and adding
    reorders keys), retention is converged every run.
    """
    return f"""set -eu
container={shlex.quote(container)}
topic={shlex.quote(topic)}
status=0
out=$(docker exec "$container" rpk topic create "$topic" -p {int(partitions)} -r 1 \\
  -c retention.ms={int(retention_ms)} 2>&1) || status=$?
case "$out" in
  *TOPIC_ALREADY_EXISTS*) echo "topic $topic already exists" ;;
  *) if [ "$status" -ne 0 ]; then printf '%s\\n' "$out" >&2; exit 1; fi
     echo "created topic $topic" ;;
esac
docker exec "$container" rpk topic alter-config "$topic" \\
  --set retention.ms={int(retention_ms)} >/dev/null
"""
