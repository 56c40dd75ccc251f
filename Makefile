# pcihide: the two set-up commands are `make setup` (install, build, run) and `make test`.
SWIFT    ?= swift
PREFIX   ?= /usr/local
DESTDIR  ?=
# Debian packages the build, the tests and the benchmarks use.
DEBS     := libpci-dev libkmod-dev pciutils pci.ids pkg-config
RELEASE  := .build/release/pcihide
FUZZ_RUNS ?= 1000000

.PHONY: setup deps build test fuzz bench clean install uninstall

## setup: install missing Debian packages, build the release binary and run it
setup: deps build
	$(RELEASE) --help

deps:
	@scripts/install-deps.sh $(DEBS)

build:
	$(SWIFT) build -c release --static-swift-stdlib

## test: the whole test suite (what .ci/run calls)
test: deps
	$(SWIFT) test

## fuzz: build the libFuzzer targets in their own scratch path and run each FUZZ_RUNS times
fuzz: deps
	scripts/fuzz.sh $(FUZZ_RUNS)

clean:
	rm -rf .build .build-fuzz

## bench: release build (static Swift stdlib), then pcihide against lspci, alternating runs
bench: deps
	$(SWIFT) build -c release --static-swift-stdlib
	python3 bench/bench.py
