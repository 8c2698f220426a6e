#!/usr/bin/env bash
# Creates .venv with the pinned dependencies and builds the tools the tests run (Benthos).
# Idempotent: a second run only checks that everything is in place.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(cat requirements.txt requirements-dev.txt policy/requirements.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi

mkdir -p .tools/bin
benthos_version=v4.60.0
if ! .tools/bin/benthos --version 2>/dev/null | grep -q "$benthos_version"; then
  command -v go >/dev/null || { echo "bootstrap: Go is required to build Benthos (apt-get install golang or see go.dev)" >&2; exit 1; }
  echo "bootstrap: building Benthos $benthos_version from the Go module proxy" >&2
  (cd tools/benthos && CGO_ENABLED=0 go build -trimpath -o ../../.tools/bin/benthos .)
fi
