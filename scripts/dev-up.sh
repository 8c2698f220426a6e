#!/usr/bin/env bash
# Brings up (or previews) the dev stack on local Docker with a local file state backend:
# no Pulumi Cloud login. Usage: scripts/dev-up.sh up|preview [extra pulumi args...]
set -euo pipefail
cd "$(dirname "$0")/.."
action=${1:-up}; shift || true

command -v pulumi >/dev/null || { echo "dev-up: the Pulumi CLI is required (https://www.pulumi.com/docs/install/)" >&2; exit 1; }
command -v docker >/dev/null || { echo "dev-up: Docker is required" >&2; exit 1; }
scripts/bootstrap.sh

state_dir="$PWD/.pulumi-state"
mkdir -p "$state_dir"
export PULUMI_BACKEND_URL="file://$state_dir"
export PULUMI_SKIP_UPDATE_CHECK=true
# The dev stack's secrets are encrypted with a passphrase kept beside the local state.
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  passphrase_file="$state_dir/dev-passphrase"
  [ -s "$passphrase_file" ] || (umask 077 && openssl rand -hex 32 > "$passphrase_file")
  export PULUMI_CONFIG_PASSPHRASE_FILE="$passphrase_file"
fi

pulumi stack select dev --create --secrets-provider passphrase >/dev/null

# First run on a laptop: the two secrets the signer cannot start without.
if ! pulumi config get signerKeystorePassword >/dev/null 2>&1; then
  openssl rand -hex 24 | pulumi config set --secret signerKeystorePassword
  echo "dev-up: generated signerKeystorePassword (pulumi config get signerKeystorePassword)"
fi
if ! pulumi config get signerEthUrl >/dev/null 2>&1; then
  # A public Arbitrum One endpoint is enough for a laptop; set your provider's URL for real use.
  echo "https://arb1.arbitrum.io/rpc" | pulumi config set --secret signerEthUrl
  echo "dev-up: using the public Arbitrum RPC; override with: pulumi config set --secret signerEthUrl <url>"
fi

exec pulumi "$action" --stack dev "$@"
