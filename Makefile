# The two commands (see README): `make demo` and `make test`. Both install what they need.
.PHONY: demo test bench install clean

PNPM := .tools/node_modules/.bin/pnpm
# Scripts call `pnpm`; use the pinned copy that bootstrap installs.
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(PATH)

install:
	@bash scripts/bootstrap.sh

demo: install
	@$(PNPM) run demo

test: install
	@$(PNPM) run test

bench: install
	@$(PNPM) run bench

clean:
	rm -rf node_modules */node_modules */dist .tools .tf bench/out
