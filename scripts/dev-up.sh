#!/usr/bin/env bash
# Brings up (or previews) the dev stack on local Docker with a local file state backend:
# no Pulumi Cloud login. Usage: scripts/dev-up.sh up|preview|destroy|init [pulumi args...]
# `init` only prepares the stack (backend, passphrase, first-run secrets).
set -euo pipefail
cd "$(dirname "$0")/.."
action=${1:-up}; shift || true

command -v pulumi >/dev/null || { echo "dev-up: the Pulumi CLI is required (https://www.pulumi.com/docs/install/)" >&2; exit 1; }
if [ "$action" != init ]; then
  command -v docker >/dev/null || { echo "dev-up: Docker is required" >&2; exit 1; }
fi
scripts/bootstrap.sh

state_dir="$PWD/.pulumi-state"
mkdir -p "$state_dir"
export PULUMI_BACKEND_URL="file://$state_dir"
export PULUMI_SKIP_UPDATE_CHECK=true
random_hex() { .venv/bin/python -c 'import secrets; print(secrets.token_hex(24))'; }
# The dev stack's secrets are encrypted with a passphrase kept beside the local state.
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  passphrase_file="$state_dir/dev-passphrase"
  [ -s "$passphrase_file" ] || (umask 077 && random_hex > "$passphrase_file")
  export PULUMI_CONFIG_PASSPHRASE_FILE="$passphrase_file"
fi

pulumi stack select dev --create --secrets-provider passphrase >/dev/null

# `pulumi config get` answers the declared default ("") for an unset key, hence -n.
is_set() { [ -n "$(pulumi config get "$1" --stack dev 2>/dev/null)" ]; }
# First run on a laptop: the two secrets the signer cannot start without.
if ! is_set signerKeystorePassword; then
  random_hex | pulumi config set --secret signerKeystorePassword --stack dev
  echo "dev-up: generated signerKeystorePassword (pulumi config get signerKeystorePassword)"
fi
if ! is_set signerEthUrl; then
  # A public Arbitrum One endpoint is enough for a laptop; set your provider's URL for real use.
  echo "https://arb1.arbitrum.io/rpc" | pulumi config set --secret signerEthUrl --stack dev
  echo "dev-up: using the public Arbitrum RPC; override with: pulumi config set --secret signerEthUrl <url>"
fi

[ "$action" = init ] && exit 0
exec pulumi "$action" --stack dev "$@"
