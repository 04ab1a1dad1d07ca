# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
TWILIO_VENV := .venv-twilio9
SIGNALWIRE_VENV := .venv-signalwire
NODE_SUITE := tests/conformance/node
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: run test check test-app test-conformance bench clean chromium screenshots

$(VENV)/.installed: requirements/lock.txt pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -r requirements/lock.txt
	$(VENV)/bin/pip install $(PIP_FLAGS) --no-deps -e .
	touch $@

# The two SDKs pin incompatible twilio versions, so each gets an environment of its own.
$(TWILIO_VENV)/.installed: tests/conformance/requirements-twilio9.txt
	test -x $(TWILIO_VENV)/bin/python || $(PYTHON) -m venv $(TWILIO_VENV)
	$(TWILIO_VENV)/bin/pip install $(PIP_FLAGS) -r $<
	touch $@

$(SIGNALWIRE_VENV)/.installed: tests/conformance/requirements-signalwire.txt
	test -x $(SIGNALWIRE_VENV)/bin/python || $(PYTHON) -m venv $(SIGNALWIRE_VENV)
	$(SIGNALWIRE_VENV)/bin/pip install $(PIP_FLAGS) -r $<
	touch $@

# The official Node twilio client, for the Twilio flavour's conformance suite (run from the
# twilio 9 environment's pytest, which starts the server).
$(NODE_SUITE)/node_modules/.installed: $(NODE_SUITE)/package.json $(NODE_SUITE)/package-lock.json
	cd $(NODE_SUITE) && npm ci --no-audit --no-fund --silent
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/numbersmith serve

test: test-app test-conformance

# Lint, formatting and types, before any test runs.
check: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench examples
	$(VENV)/bin/ruff format --check src tests bench examples
	$(VENV)/bin/mypy --strict src/numbersmith

test-app: check $(VENV)/.installed chromium
	$(VENV)/bin/pytest tests --ignore=tests/conformance

# The browser tests drive Debian's headless Chromium through Playwright; no browser is downloaded.
chromium:
	command -v chromium-headless-shell >/dev/null || (apt-get update -qq && \
	  apt-get install -y -qq --no-install-recommends chromium-headless-shell)

# The README's pictures of the dashboard, taken by the browser tests.
screenshots: $(VENV)/.installed chromium
	NUMBERSMITH_SCREENSHOTS=1 $(VENV)/bin/pytest -q tests/browser

test-conformance: $(VENV)/.installed $(TWILIO_VENV)/.installed $(SIGNALWIRE_VENV)/.installed $(NODE_SUITE)/node_modules/.installed
	$(TWILIO_VENV)/bin/pytest tests/conformance -p no:cacheprovider
	$(SIGNALWIRE_VENV)/bin/pytest tests/conformance -p no:cacheprovider

bench: $(VENV)/.installed
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(VENV)/bin/python bench/run.py
	$(VENV)/bin/python bench/traffic.py

clean:
	rm -rf $(VENV) $(TWILIO_VENV) $(SIGNALWIRE_VENV) $(NODE_SUITE)/node_modules
