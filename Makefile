# Two commands matter on a fresh machine: `make run` and `make test`.
# Each installs from package-lock.json when needed, builds, then does its job.

STAMP := node_modules/.package-lock.json

.PHONY: install build test run bench demo clean soak

# Install output goes to stderr so that `make run` keeps stdout for protocol lines only.
$(STAMP): package.json package-lock.json
	@npm ci --no-audit --no-fund 1>&2
	@touch $(STAMP)

install: $(STAMP)

# The build script does nothing when dist/ is newer than every source, so `make run` starts at once.
build: $(STAMP)
	@node scripts/build.mjs

# The tests are type-checked too (strict, like the sources; incrementally, its state kept
# under node_modules/.cache) while they run, and either failing fails the target.
test: build
	@node node_modules/typescript/bin/tsc -p tsconfig.test.json --incremental --tsBuildInfoFile node_modules/.cache/tsc-test.tsbuildinfo & tsc=$$!; \
	node node_modules/vitest/vitest.mjs run; vitest=$$?; \
	wait $$tsc && exit $$vitest

# Flags for the node: make run ARGS="--deterministic --capacity cpu=4". On a terminal it says when it is ready.
run: build
	@bin/resource-node $(ARGS)

# Jobs sharing robots, with a live timeline and an SVG: make demo DEMO_ARGS="--job-ms 300"
demo: build
	@node dist/demo.js $(DEMO_ARGS)

# The benchmark figures of docs/benchmarks.md, ours beside each peer (about 2 minutes).
bench: build
	@node bench/run.mjs

# The kill -9 test of --state-dir at length: make soak CRASH_KILLS=2000 CRASH_SEED=7 (about 0.4 s a kill).
CRASH_KILLS ?= 1000
# The cluster's fault test at length: make soak CLUSTER_SOAK_S=600 (a round of faults every 14 s).
CLUSTER_SOAK_S ?= 140
soak: build
	@CRASH_KILLS=$(CRASH_KILLS) CRASH_SEED=$(or $(CRASH_SEED),19) node node_modules/vitest/vitest.mjs run test/e2e/crash.test.ts
	@CLUSTER_SOAK_S=$(CLUSTER_SOAK_S) CLUSTER_SEED=$(or $(CLUSTER_SEED),21) node node_modules/vitest/vitest.mjs run test/e2e/cluster-faults.test.ts

clean:
	rm -rf dist src/generated
