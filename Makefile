.PHONY: test up preview policy-preview lint

# Whole test suite from a fresh clone (creates .venv, builds Benthos).
test:
	scripts/test.sh

# Dev stack on local Docker with a local file state backend (no cloud login).
up:
	scripts/dev-up.sh up

preview:
	scripts/dev-up.sh preview

policy-preview:
	scripts/dev-up.sh preview --policy-pack policy

lint:
	scripts/bootstrap.sh && .venv/bin/ruff check . && .venv/bin/mypy .
