# Two commands matter on a fresh machine: `make run` and `make test`.
# Each installs from package-lock.json when needed, builds, then does its job.

STAMP := node_modules/.package-lock.json

.PHONY: install build test run bench demo clean

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	node scripts/build.mjs

test: build
	npx vitest run

# Flags for the node: make run ARGS="--deterministic --capacity cpu=4"
run: build
	@bin/resource-node $(ARGS)

# The benchmark figures of docs/performance.md, ours beside each peer (about 2 minutes).
bench: build
	node bench/run.mjs

clean:
	rm -rf dist src/generated
