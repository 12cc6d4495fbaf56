# Sekisho: the two commands are `make demo` (main job) and `make test` (what CI runs).
# Both install the Debian packages they need first (scripts/install-deps.sh; idempotent).

BUILD        ?= build
SAN_BUILD    ?= build-san
FUZZ_SECONDS ?= 5
JOBS        ?= $(shell nproc)

.PHONY: all deps build demo test unit bench clean

all: build

deps:
	@scripts/install-deps.sh

# Optimised as the product ships (-O2, assertions off), without debug information: it would
# double the build time of `make test` and nothing here reads it.
$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
	  -DSEKISHO_WERROR=ON

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j$(JOBS)

# The main job: a simulated My Number Card on the virtual reader, seen through the real pcscd.
demo: build
	scripts/with-pcscd.sh scripts/demo.sh $(BUILD)/cmd/sekisho/sekisho

# Everything CI checks, in one clang build with AddressSanitizer + UndefinedBehaviorSanitizer:
# the integration and command-line tests through the real pcscd, the demo's scripted day, the
# unit tests and a short bounded run of every fuzzer (scripts/test.sh).
test: deps
	scripts/test.sh $(SAN_BUILD) $(FUZZ_SECONDS)

unit: build
	ctest --test-dir $(BUILD) -L unit -j$(JOBS) --output-on-failure

# Every benchmark, medians of 5 with their baselines measured in the same run (docs/performance.md).
BENCHES := card_bench policy_bench snapshot_bench audit_bench gate_bench badge_bench
# Not Google Benchmark: a scenario with its own arguments (lost card to every gate, loopback).
REVOCATION_ARGS ?= --gates 200 --rounds 30
bench: build
	@for b in $(BENCHES); do \
	  echo "== $$b"; \
	  $(BUILD)/bench/$$b --benchmark_repetitions=5 --benchmark_report_aggregates_only=true || exit 1; \
	done
	@echo "== revocation_bench"
	$(BUILD)/bench/revocation_bench $(REVOCATION_ARGS)

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
