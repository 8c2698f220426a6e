#!/usr/bin/env bash
# The whole test suite from a fresh clone: bootstrap, lint, type-check, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# The OpenMeter v3 contract every fake and client exchange is validated against lives beside the
# checkout (../shared, as CI lays it out); no test may run without it.
spec=${OPENMETER_SPEC:-$PWD/../shared/openmeter/openapi.v3.yaml}
if [ ! -f "$spec" ]; then
  echo "test: the OpenMeter contract is missing at $spec." >&2
  echo "test: put the shared/ folder beside the checkout, or set OPENMETER_SPEC=<path to openapi.v3.yaml>." >&2
  exit 1
fi
export OPENMETER_SPEC="$spec"
export PATH="$PWD/.tools/bin:$PATH"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy .
.venv/bin/python -m pytest "$@"
