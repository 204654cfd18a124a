# The repository's two commands: `make demo` and `make test`.

CARGO ?= cargo
PYTHON ?= python3
NPM ?= npm
NODE_PKG := bindings-node
VENV := .venv
PY := $(VENV)/bin/python
MOCK := target/debug/empirio-mock

.PHONY: demo test build venv python node node-build bench-mock bench-python bench-node bench-core fuzz

## Start the mock gateway and call it: raw HTTP first, then each SDK's examples.
demo: build python node-build
	$(CARGO) build -q -p empiriolabs --examples
	bash tests/demo.sh $(MOCK)

## Every test: Rust unit and doc tests, the conformance suite against the mock gateway, the
## Python package's own suite, then the Node package's.
test: build venv python
	$(CARGO) test --workspace
	$(PY) -m pytest tests/conformance bindings-python/tests -q
	$(MAKE) --no-print-directory node

## The Node package: builds it (the napi addon, debug, in the shared target/; then tsc) and runs
## its suite (node --test) against the mock gateway.
node: build node-build
	cd $(NODE_PKG) && $(NPM) test

node-build: $(NODE_PKG)/node_modules/.package-lock.json
	cd $(NODE_PKG) && $(NPM) run --silent build

$(NODE_PKG)/node_modules/.package-lock.json: $(NODE_PKG)/package-lock.json
	cd $(NODE_PKG) && $(NPM) ci --ignore-scripts --no-audit --no-fund

## Builds the Python extension (debug, in the shared target/) into the venv.
python: venv
	VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/maturin develop --quiet -m bindings-python/Cargo.toml

build:
	$(CARGO) build --workspace --bins

venv: $(VENV)/.installed

$(VENV)/.installed: tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $@

## The Python package against openai and raw httpx, release builds (not part of `make test`).
bench-python: venv
	$(CARGO) build --release -p empirio-mock
	VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/maturin develop --release --quiet -m bindings-python/Cargo.toml
	$(PY) tests/bench/bench_python.py

## The Node package against openai-node and raw fetch, release builds (not part of `make test`);
## `make node-build` (or `make test`) puts the debug addon back.
bench-node: $(NODE_PKG)/node_modules/.package-lock.json
	$(CARGO) build --release -p empirio-mock
	cd $(NODE_PKG) && $(NPM) run --silent build:release
	cd tests/bench/node && $(NPM) ci --no-audit --no-fund
	node tests/bench/node/bench.mjs

## The mock gateway against a bare hyper server, release build (not part of `make test`).
bench-mock:
	$(CARGO) run --release -p empirio-mock --example bench

## Fuzzes the core's parsers (fuzz/), FUZZ_SECS seconds per target, on nightly (not part of
## `make test`). New inputs go to fuzz/target/corpus-run/, the committed seeds are only read;
## a crash is saved under fuzz/artifacts/<target>/ and fails the run (after every target ran).
FUZZ_SECS ?= 60
FUZZ_TARGETS ?= sse_decoder error_envelope retry_headers
FUZZ_BUILD_JOBS ?= 1
fuzz:
	$(CARGO) fuzz --version >/dev/null 2>&1 || CARGO_BUILD_JOBS=$(FUZZ_BUILD_JOBS) $(CARGO) install cargo-fuzz --locked
	CARGO_BUILD_JOBS=$(FUZZ_BUILD_JOBS) $(CARGO) +nightly fuzz build --fuzz-dir fuzz
	@failed=; for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/target/corpus-run/$$t; \
	  echo "== fuzz $$t for $(FUZZ_SECS) s"; \
	  CARGO_BUILD_JOBS=$(FUZZ_BUILD_JOBS) $(CARGO) +nightly fuzz run --fuzz-dir fuzz $$t \
	    fuzz/target/corpus-run/$$t fuzz/corpus/$$t -- -max_total_time=$(FUZZ_SECS) -print_final_stats=1 \
	    || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: crashes in:$$failed (inputs in fuzz/artifacts/)"; exit 1; fi

## The core's stream readers against raw reqwest and serde_json::Value, release build (not part of `make test`).
bench-core:
	$(CARGO) bench -p empiriolabs --bench stream -- --chunks 1000000 --rounds 3
