# The two commands of the README: `make demo` and `make test`. Both install what is
# missing (Debian packages, the pinned DuckDB artefacts), configure and build.
JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan

.PHONY: all deps build pond test test-asan demo bench bench-quick fuzz tables format clean

all: build

deps:
	@tools/install-deps.sh
	@tools/fetch-duckdb.sh
	@tools/fetch-web.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The `pond` binary alone (with its web bundle): what the demo runs. No test is compiled.
pond: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target pond

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPOND_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tools/lsan.supp:print_suppressions=0 ctest --output-on-failure -j $(JOBS) --timeout 1200 -LE site

demo: pond
	tools/demo.sh $(BUILD)/pond

# Benchmarks (bench/, README "Benchmarks"): pond against DuckDB's own SQL and the
# Tera oracle, measured side by side. Builds only pond, pond_bench and the oracle.
# `make bench BENCH_ROWS=5000000`; BENCH_ARGS passes more (--json, --only 3, --repeat 5).
BENCH_ROWS ?= 20000000
BENCH_ARGS ?=
CARGO ?= $(shell command -v cargo || echo $(HOME)/.cargo/bin/cargo)
bench-build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target pond pond_bench
	@(cd tools/tera-oracle && $(CARGO) build --offline --release --quiet) || \
	  echo "bench: tools/tera-oracle not built: case 5 is skipped" >&2

bench: bench-build
	$(BUILD)/bench/pond_bench --rows $(BENCH_ROWS) $(BENCH_ARGS)

bench-quick: bench-build
	$(BUILD)/bench/pond_bench --rows 1000000 $(BENCH_ARGS)

# The template engine under libFuzzer (clang, ASan, UBSan); FUZZ_SECONDS=600 by default.
FUZZ_SECONDS ?= 600
fuzz: deps
	fuzz/run.sh $(FUZZ_SECONDS)

# The template engine's generated tables (src/tmpl/*_table*.cc) from pinned Debian
# packages (docs/templates.md "Generated tables"); refuses, naming the package, when
# one is missing. `tools/regen-tables.sh --check` compares instead (CTest tmpl_tables_regen).
tables:
	tools/regen-tables.sh

# Not the generated tables: they are the generators' bytes (tmpl_tables_regen compares them).
format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'tools/*.cc' \
	  ':!src/tmpl/regex_tables.cc' ':!src/tmpl/slug_table.cc' ':!src/tmpl/unicode_tables.cc')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
