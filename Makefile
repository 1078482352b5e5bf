# The two commands: `make run` and `make test`. Both create .venv and install on first use.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format token fuzz clean demo bench chaos lock

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

lock: ## refresh requirements.lock (the exact versions installed) after changing pyproject.toml
	rm -rf .venv-lock && $(PY) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet -e ".[dev]"
	{ echo "# The exact versions \`make\` installs (pip install -c requirements.lock). Refresh after changing"; \
	  echo "# pyproject.toml with \`make lock\`."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable; } > requirements.lock
	rm -rf .venv-lock

run: $(STAMP) ## start the API on SQLite under ./var/, printing the docs URL and dev tokens
	@mkdir -p var
	JIUZHU_DATABASE=sqlite JIUZHU_SQLITE_PATH=var/jiuzhu.sqlite $(BIN)/jiuzhu serve --dev

test: $(STAMP) lint ## lint, type-check and run every test (PostgreSQL tests skip visibly without a server)
	$(BIN)/pytest

fuzz: $(STAMP) ## a longer schemathesis run against the live OpenAPI schema: make fuzz EXAMPLES=300
	JIUZHU_FUZZ_EXAMPLES=$(or $(EXAMPLES),200) $(BIN)/pytest tests/api/test_fuzz.py -q -s -p no:cacheprovider

demo: $(STAMP) ## generate the synthetic district into ./var/: make demo HOUSEHOLDS=2000 SEED=20240101
	@mkdir -p var
	JIUZHU_DATABASE=sqlite JIUZHU_SQLITE_PATH=var/jiuzhu.sqlite $(BIN)/jiuzhu demo --households $(or $(HOUSEHOLDS),2000) --seed $(or $(SEED),20240101)

bench: $(STAMP) ## benchmarks on PostgreSQL (own scratch database, dropped after): bench/results.{json,md}; BENCH_SCALE=province
	$(BIN)/python -m bench.run

chaos: $(STAMP) ## faults on this machine's PostgreSQL (restarts it!): counts acknowledged, stored, retried, lost
	$(BIN)/python -m chaos $(if $(CHAOS_SECONDS),--seconds $(CHAOS_SECONDS))

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

token: $(STAMP) ## print a caseworker token: make token ROLE=approver JURISDICTION=430112
	@$(BIN)/jiuzhu token --role $(or $(ROLE),caseworker) --jurisdiction $(or $(JURISDICTION),430112) --user $(or $(USER_ID),dev-$(or $(ROLE),caseworker))

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
