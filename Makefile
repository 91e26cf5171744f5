# The two commands a newcomer needs: `make demo` and `make test`. Everything else is set up on demand.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON312 ?= $(shell scripts/find-python312)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/uv/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
SAM := $(TOOLS)/sam/bin/sam
CFN_LINT := $(TOOLS)/sam/bin/cfn-lint
CHECKOV := $(TOOLS)/checkov/bin/checkov
export UV_PYTHON := $(PYTHON312)
export UV_PYTHON_DOWNLOADS := never
export AWS_DEFAULT_REGION ?= us-east-1
export SAM_CLI_TELEMETRY := 0
# sam build runs pip with the python3.12 it finds on PATH.
export PATH := $(dir $(PYTHON312)):$(PATH)

.PHONY: help demo dev test test-browser test-livekit lint typecheck template iac unit integration e2e bench build clean events

help:
	@echo "make demo   run one whole interview offline and print its report"
	@echo "make dev    serve the API at http://127.0.0.1:$${PORT:-3001} for the Next.js frontend"
	@echo "make test   lint, type-check, validate and build the template, run every test"
	@echo "make bench  run the benchmarks under bench/"
	@echo "make test-browser  the review page in chromium (installs chromium and playwright-core if missing)"
	@echo "make test-livekit  one spoken interview against a real LiveKit server (LIVEKIT_URL=ws://...)"

$(TOOLS)/uv/bin/uv:
	@test -n "$(PYTHON312)" || { echo "error: Python 3.12 is required (see above)"; exit 1; }
	$(PYTHON312) -m venv $(TOOLS)/uv
	$(TOOLS)/uv/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	@test -n "$(PYTHON312)" || { echo "error: Python 3.12 is required (see above)"; exit 1; }
	$(UV) sync --frozen --all-extras
	@touch $@

# checkov pins a botocore that aws-sam-cli's boto3 refuses: it gets a virtualenv of its own.
$(CHECKOV): tools-checkov-requirements.txt
	@test -n "$(PYTHON312)" || { echo "error: Python 3.12 is required (see above)"; exit 1; }
	$(PYTHON312) -m venv $(TOOLS)/checkov
	$(TOOLS)/checkov/bin/pip install --quiet -r tools-checkov-requirements.txt
	@touch $@

$(SAM): tools-requirements.txt
	@test -n "$(PYTHON312)" || { echo "error: Python 3.12 is required (see above)"; exit 1; }
	$(PYTHON312) -m venv $(TOOLS)/sam
	$(TOOLS)/sam/bin/pip install --quiet -r tools-requirements.txt
	@touch $@

# VOICE=1: the interview goes through the offline voice path and is saved as demo-output/interview.wav.
demo: $(VENV)/.synced
	$(PY) -m local.demo $(if $(filter 1 yes true,$(VOICE)),--voice) $(DEMO_ARGS)

dev: $(VENV)/.synced
	$(PY) -m local.dev

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.synced
	$(VENV)/bin/mypy layers/common functions local agent_container bench

template: $(SAM)
	$(SAM) validate --lint
	$(SAM) build --build-dir $(TOOLS)/sam-build --cached --cache-dir $(TOOLS)/sam-cache >$(TOOLS)/sam-build.log 2>&1 \
		|| { cat $(TOOLS)/sam-build.log; exit 1; }
	@echo "sam build: ok ($(TOOLS)/sam-build)"

# The template's own checks: cfn-lint, and checkov's security checks (each skip says why, in template.yaml).
# --skip-download: checkov fetches nothing (no guideline links), so it runs offline.
iac: $(SAM) $(CHECKOV)
	$(CFN_LINT) template.yaml
	$(CHECKOV) --file template.yaml --framework cloudformation --compact --quiet --skip-download

unit integration e2e: $(VENV)/.synced
	$(PY) -m pytest tests/$@ -q

# The review page in Debian's chromium (playwright-core pinned in tests/browser/package.json). Installs
# what is missing (chromium with apt-get when run as root), then runs the browser test, keeping its
# screenshots in demo-output/browser/. `make test` runs the same test and skips it when these are missing.
test-browser: $(VENV)/.synced
	@command -v node >/dev/null || { echo "error: node is needed (apt-get install -y nodejs npm)" >&2; exit 1; }
	@test -x /usr/bin/chromium || { test "$$(id -u)" = 0 && apt-get install -y chromium; } || \
		{ echo "error: chromium is needed at /usr/bin/chromium (sudo apt-get install -y chromium)" >&2; exit 1; }
	cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund
	BROWSER_SCREENSHOTS=$(CURDIR)/demo-output/browser $(PY) -m pytest tests/browser -q -p no:cacheprovider

# One whole spoken interview against a real LiveKit server (`livekit-server --dev`, key pair devkey/secret):
# the LiveKit transport in a real rtc.Room and a scripted candidate joining through the rtc SDK.
# `make test` skips it; without LIVEKIT_URL this says what to do.
test-livekit: $(VENV)/.synced
	@if [ -z "$$LIVEKIT_URL" ]; then \
		echo "skipped: set LIVEKIT_URL (ws://127.0.0.1:7880 for livekit-server --dev; LIVEKIT_API_KEY/SECRET if not devkey/secret)"; \
	else \
		LIVEKIT_TEST_URL="$$LIVEKIT_URL" LIVEKIT_TEST_API_KEY="$$LIVEKIT_API_KEY" LIVEKIT_TEST_API_SECRET="$$LIVEKIT_API_SECRET" \
			$(PY) -m pytest tests/livekit -q -p no:cacheprovider -rs; \
	fi

# pytest exits 5 when it collected nothing: a run that tests nothing is a failed run.
test: lint typecheck template iac $(VENV)/.synced
	$(PY) -m pytest -q -p no:cacheprovider; status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$status

bench: $(VENV)/.synced
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(TOOLS)/sam-build $(TOOLS)/sam-cache .aws-sam .mypy_cache .ruff_cache .pytest_cache
