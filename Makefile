# Sekisho: the two commands are `make demo` (main job) and `make test` (what CI runs).
# Both install the Debian packages they need first (scripts/install-deps.sh; idempotent).

BUILD       ?= build
ASAN_BUILD  ?= build-asan
FUZZ_BUILD  ?= build-fuzz
FUZZ_SECONDS ?= 20
JOBS        ?= $(shell nproc)

.PHONY: all deps build demo test unit asan integration fuzz bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEKISHO_WERROR=ON

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j$(JOBS)

# The main job: a simulated My Number Card on the virtual reader, seen through the real pcscd.
demo: build
	scripts/with-pcscd.sh scripts/demo.sh $(BUILD)/cmd/sekisho/sekisho

# Everything CI checks: unit tests, the same under ASan+UBSan, integration tests through the
# real pcscd, and a short bounded run of every fuzzer.
test: build
	scripts/test.sh $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(FUZZ_SECONDS)

unit: build
	ctest --test-dir $(BUILD) -L unit -j$(JOBS) --output-on-failure

bench: build
	$(BUILD)/bench/card_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
