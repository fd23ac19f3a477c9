# The README's commands. `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The real PostgreSQL the database suite runs on (each run makes and drops its own database).
TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
CHROMIUM ?= /usr/bin/chromium

FRONTEND_SRC := $(shell find frontend/src frontend/index.html frontend/vite.config.ts -type f 2>/dev/null)

.PHONY: run test lint migrate worker setup frontend chromium speech openapi image clean

run: setup frontend speech ## Set up, pull the models, migrate SQLite, serve http://127.0.0.1:$(PORT)
	$(BIN)/ailingva models pull
	$(BIN)/ailingva migrate
	@echo
	@echo "  AIlingva is starting: open http://127.0.0.1:$(PORT)"
	@echo "  Admin account:  $(BIN)/ailingva create-admin --email you@example.com"
	@echo
	$(BIN)/ailingva serve --port $(PORT)

test: setup frontend chromium speech ## Every suite: web unit tests, PostgreSQL pass, SQLite pass (with the browser)
	cd frontend && npm test
	TEST_DATABASE_URL=$(TEST_PG_URL) $(BIN)/pytest -m "not browser" -p no:cacheprovider
	CHROMIUM_PATH=$(CHROMIUM) $(BIN)/pytest

lint: setup frontend/node_modules/.installed ## ruff, mypy, TypeScript, and the generated API and message types are current
	$(BIN)/ruff check ailingva tests migrations bench
	$(BIN)/ruff format --check ailingva tests migrations bench
	$(BIN)/mypy ailingva tests migrations bench
	$(BIN)/lint-imports
	$(BIN)/hadolint --failure-threshold error Dockerfile
	$(BIN)/ailingva openapi --out frontend/openapi.json
	cd frontend && npm run gen:api && npm run typecheck
	git diff --exit-code -- frontend/openapi.json frontend/src/api/schema.d.ts \
		|| (echo "The API or the messages (voice events, NDJSON lines) changed: commit the regenerated frontend/openapi.json and schema.d.ts"; exit 1)

migrate: setup
	$(BIN)/ailingva migrate

worker: setup ## Run background jobs from Redis (needs REDIS_URL; without it `make run` runs them)
	$(BIN)/ailingva migrate
	$(BIN)/ailingva worker

openapi: setup frontend/node_modules/.installed ## Regenerate the typed web client from the API
	$(BIN)/ailingva openapi --out frontend/openapi.json
	cd frontend && npm run gen:api

# Builds the Dockerfile with podman (no Docker engine here; the script makes local stand-ins for
# python:3.11-slim and node:20-slim) and smoke-tests the image on loopback.
OCI_BUILD ?= ../shared/tools/oci-build.sh
IMAGE ?= localhost/ailingva:latest

image: ## Build the container image and smoke-test it (several minutes; see the README's Deploy)
	$(OCI_BUILD) . $(IMAGE)

setup: $(VENV)/.installed

# llama-cpp-python is published as source only. It is compiled for this machine's CPU, but
# without AMX: virtual machines that do not enable AMX for their guests fault on its first tile
# instruction. The wheel is kept outside the checkout, one per CPU and flags (pip's own cache
# would hand back a wheel built with other flags).
LLAMA_PIN := llama-cpp-python==0.3.36
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
WHEELS := $(HOME)/.cache/ailingva/wheels/$(shell (grep -m1 '^flags' /proc/cpuinfo; echo '$(LLAMA_PIN) $(NO_AMX)') | sha256sum | cut -c1-12)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	ls $(WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1 || { \
		echo "Compiling llama.cpp for this CPU (about 5 minutes, once)"; \
		CFLAGS="$(NO_AMX)" CXXFLAGS="$(NO_AMX)" $(BIN)/python -m pip wheel --quiet --no-deps \
			--no-cache-dir --wheel-dir $(WHEELS) $(LLAMA_PIN); }
	$(BIN)/python -m pip install --quiet --find-links $(WHEELS) $(LLAMA_PIN)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

frontend: frontend/dist/index.html

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SRC)
	cd frontend && npm run build

chromium: ## Debian's Chromium for the browser suite (Playwright drives it; it cannot download its own)
	@test -x $(CHROMIUM) || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@test -x $(CHROMIUM)

speech: ## espeak-ng and festival (Russian voice) from Debian: run as separate processes
	@command -v espeak-ng >/dev/null && command -v text2wave >/dev/null \
		|| { apt-get update -qq && apt-get install -y -qq espeak-ng festival festvox-ru >/dev/null; }

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
