# The repository's two commands: `make demo` and `make test`.

CARGO ?= cargo
PYTHON ?= python3
NPM ?= npm
NODE_PKG := bindings-node
VENV := .venv
PY := $(VENV)/bin/python
MOCK := target/debug/empirio-mock
MVN ?= mvn
KOTLIN_PKG := bindings-swift/kotlin
SWIFT_PKG := bindings-swift/swift

.PHONY: demo test build venv python node node-build bench-mock bench-python bench-node bench-core fuzz kotlin kotlin-build swift bench-kotlin

## Start the mock gateway and call it: raw HTTP first, then each SDK's examples.
demo: build python node-build kotlin-build
	$(CARGO) build -q -p empiriolabs --examples
	bash tests/demo.sh $(MOCK)

## Every test: Rust unit and doc tests, the conformance suite against the mock gateway, the
## Python package's own suite, then the Node package's.
test: build venv python
	$(CARGO) test --workspace
	$(PY) -m pytest tests/conformance bindings-python/tests bindings-swift/tests -q
	$(MAKE) --no-print-directory node
	$(MAKE) --no-print-directory kotlin
	$(MAKE) --no-print-directory swift

## The Node package: builds it (the napi addon, debug, in the shared target/; then tsc) and runs
## its suite (node --test) against the mock gateway.
node: build node-build
	cd $(NODE_PKG) && $(NPM) test

node-build: $(NODE_PKG)/node_modules/.package-lock.json
	cd $(NODE_PKG) && $(NPM) run --silent build

$(NODE_PKG)/node_modules/.package-lock.json: $(NODE_PKG)/package-lock.json
	cd $(NODE_PKG) && $(NPM) ci --ignore-scripts --no-audit --no-fund

## The Kotlin package (bindings-swift/kotlin): Maven builds the uniffi cdylib and the mock with
## cargo, generates the Kotlin bindings, packages the native library in the jar and runs the
## JUnit suite against the mock gateway.
kotlin: build
	cd $(KOTLIN_PKG) && $(MVN) -B -ntp test

## The same build without the tests (for `make demo`).
kotlin-build: build
	cd $(KOTLIN_PKG) && $(MVN) -B -ntp -q test-compile

## The Swift package: `swift test` against the mock where a Swift toolchain is on PATH (on a Mac
## after building the XCFramework); elsewhere bindings-swift/tests parse-check the sources and
## hold them to the surface table, and this says so.
swift: build
	@if command -v swift >/dev/null 2>&1; then \
	  if [ "$$(uname -s)" = Darwin ]; then $(SWIFT_PKG)/build-xcframework.sh debug; else $(CARGO) build -q -p empiriolabs-swift --lib; fi; \
	  cd $(SWIFT_PKG) && LD_LIBRARY_PATH=$(abspath target/debug) swift test -Xlinker -L$(abspath target/debug); \
	else \
	  echo "swift: no Swift toolchain on PATH, so no swift test here (the Swift sources are parse-checked and held to the surface table by bindings-swift/tests)"; \
	fi

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

## The Kotlin package against the official openai-java, release builds (not part of `make test`).
bench-kotlin:
	cd $(KOTLIN_PKG) && $(MVN) -B -ntp -q -Prelease,bench test-compile exec:exec@bench

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
