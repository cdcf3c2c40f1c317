# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
VENDOR := web/vendor/.installed-$(shell sha1sum package-lock.json | cut -c1-12)
# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)
export AWS_DEFAULT_REGION ?= ap-southeast-3

.PHONY: install chromium run test bench lint format package clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

# Front-end libraries from the npm registry, copied where the console loads them from.
$(VENDOR): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf web/vendor && mkdir -p web/vendor
	cp -r node_modules/leaflet/dist web/vendor/leaflet
	@touch $@

install: $(STAMP) $(VENDOR)

# Debian's chromium package, for the browser tests (installed when missing, as root).
chromium:
	@if [ -z "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		elif command -v sudo >/dev/null; then \
			sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Chromium is missing: apt-get install chromium (as root)"; exit 1; fi; \
	fi

## The whole system on the local embedded stack, with demo data (Ctrl-C stops it).
run: install
	$(BIN)/python -m local.stack

## Lint, then the whole test suite (browser tests included).
test: install chromium
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Figures, not tests: DynamoDB items read per request at 1k and 50k tickets, then the
## Andesit path's latency and throughput on a fresh local stack (not part of `make test`).
bench: install
	$(BIN)/python -m bench.reads
	$(BIN)/python -m bench.decisions $(BENCH_ARGS)
	$(BIN)/python -m bench.imports

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .

## Deployable template (CloudFormation/SAM) and Lambda bundle in build/package/.
package: install
	rm -rf build/package
	$(BIN)/chalice package --merge-template infra/resources.json build/package
	$(BIN)/python infra/slim_package.py build/package/deployment.zip
	@if ls statemachine/*.asl.json >/dev/null 2>&1; then \
		mkdir -p build/package/statemachine && cp statemachine/*.asl.json build/package/statemachine/; fi
	@echo "Template: build/package/sam.json"

clean:
	rm -rf build .local .pytest_cache .ruff_cache test-artifacts web/vendor
