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

# Pulumi engine for tests/e2e: the CLI from the Go module proxy (tools/pulumi pins it), our
# minimal Python language host and its exec script, and the dynamic-provider launcher.
pulumi_version=v3.276.0
if ! .tools/bin/pulumi version 2>/dev/null | grep -qx "$pulumi_version"; then
  command -v go >/dev/null || { echo "bootstrap: Go is required to build the Pulumi CLI (apt-get install golang or see go.dev)" >&2; exit 1; }
  echo "bootstrap: building the Pulumi CLI $pulumi_version from the Go module proxy (about 6 minutes)" >&2
  (cd tools/pulumi && CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version" \
    -o ../../.tools/bin/pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
fi
langhost_stamp=.tools/pulumi-language-python.sha256
langhost_want=$(cat tools/pulumi/langhost/*.go tools/pulumi/go.mod tools/pulumi/go.sum | sha256sum | cut -d' ' -f1)
if [ ! -x .tools/bin/pulumi-language-python ] || [ "$(cat "$langhost_stamp" 2>/dev/null)" != "$langhost_want" ]; then
  command -v go >/dev/null || { echo "bootstrap: Go is required to build the Python language host (apt-get install golang or see go.dev)" >&2; exit 1; }
  echo "bootstrap: building the Python language host (tools/pulumi/langhost)" >&2
  (cd tools/pulumi && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-X main.version=${pulumi_version#v}" -o ../../.tools/bin/pulumi-language-python ./langhost)
  echo "$langhost_want" > "$langhost_stamp"
fi
install -m 0755 tools/pulumi/pulumi-language-python-exec .tools/bin/pulumi-language-python-exec
sed "s|@DEFAULT_PYTHON@|$PWD/.venv/bin/python|" tools/pulumi/pulumi-resource-pulumi-python \
  > .tools/bin/pulumi-resource-pulumi-python
chmod 0755 .tools/bin/pulumi-resource-pulumi-python
