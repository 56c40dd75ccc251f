# pcihide: the two set-up commands are `make setup` (install, build, run) and `make test`.
SWIFT    ?= swift
PREFIX   ?= /usr/local
DESTDIR  ?=
# Debian packages the build, the tests and the benchmarks use.
# libpci and the lspci oracle; the shells, tmux and bash-completion for the completion tests;
# mandoc and man-db for the man page, and the packages whose pages its SEE ALSO names (so that
# mandoc -Tlint finds them); valgrind for instruction counts.
DEBS     := libpci-dev libkmod-dev libstdc++-12-dev pciutils pci.ids pkg-config \
            bash-completion zsh fish tmux mandoc man-db driverctl xen-utils-common libvirt-clients libxml2-utils valgrind python3 python3-venv
# The real-kernel rig (make e2e): QEMU, a static busybox for the guests, kmod to resolve and load
# modules, the tools that make its disk images (mmdebstrap for the Debian 12 system), and a C
# compiler for its VFIO probe. The kernel
# and Xen packages themselves are fetched with apt-get download into .build/e2e, not installed.
E2E_DEBS := qemu-system-x86 busybox-static kmod cpio btrfs-progs e2fsprogs gcc libc6-dev file mmdebstrap
BINARY   ?= .build/release/pcihide
BINDIR    = $(DESTDIR)$(PREFIX)/bin
MANDIR    = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR   = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR    = $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions
FISHDIR   = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
UNITDIR   = $(DESTDIR)$(PREFIX)/lib/systemd/system
DATADIR   = $(DESTDIR)$(PREFIX)/share/pcihide
RELEASE  := .build/release/pcihide
FUZZ_RUNS ?= 1000000
# Nova's own [pci] parser (PyPI), which the export tests hold pcihide's Nova output to.
NOVA_VENV    := .build/nova-venv
NOVA_VERSION := 34.0.0
# The release binary is linked by the toolchain's lld with its relative relocations packed (RELR):
# the dynamic loader reads 8 KB of them instead of 41,000 entries (RELR needs glibc 2.36 where the
# binary runs, so it is used only when this machine's glibc has it). The C++ runtime the static
# Swift runtime needs is linked in too: the toolchain's link file asks for -lstdc++, and a directory
# searched first that holds only libstdc++.a makes the linker take the archive, so the 2 MB
# libstdc++.so is neither loaded nor initialised at each start (it was most of what start-up cost
# beyond lspci: 1.14 of lspci --version before, 0.91-0.92 after; make bench). -Xlinker
# --no-export-dynamic takes back the toolchain's -export-dynamic (nothing looks pcihide's own
# symbols up at run time; the Swift runtime's are excluded by the same link file): 380 dynamic
# symbols instead of 6,220 for every lookup the loader makes. Still PIE: a tool run as root keeps ASLR.
GLIBC_RELR := $(shell getconf GNU_LIBC_VERSION 2>/dev/null | awk '{ split($$2, v, "."); if (v[1] > 2 || (v[1] == 2 && v[2] >= 36)) print "yes" }')
# The libstdc++.a of the GCC the toolchain's clang links against (libstdc++-12-dev on Debian 12);
# asked only by the static-libstdc++ recipe, not at every make.
LIBSTDCXX_A = $$(clang="$$(dirname "$$(command -v $(SWIFT))")/clang"; [ -x "$$clang" ] || clang=clang; "$$clang" -print-file-name=libstdc++.a 2>/dev/null)
STATIC_CXX  := $(CURDIR)/.build/static-libstdc++
LINK_FLAGS  := -Xswiftc -use-ld=lld $(if $(GLIBC_RELR),-Xlinker -z -Xlinker pack-relative-relocs) \
               -Xswiftc -L$(STATIC_CXX) -Xlinker --no-export-dynamic
# What make format rewrites and make format-check holds to .swift-format.
FORMATTED    := Package.swift Sources Tests Fuzz

.PHONY: setup deps e2e-deps nova-venv static-libstdc++ build test test-fast format format-check e2e fuzz bench clean install install-files uninstall completions man

## setup: install missing Debian packages, build the release binary and list this machine's devices
setup: deps e2e-deps nova-venv build
	$(RELEASE) list

deps:
	@scripts/install-deps.sh $(DEBS)

e2e-deps:
	@scripts/install-deps.sh $(E2E_DEBS)

## nova-venv: Nova from PyPI in a venv under .build, for the export tests (about a minute once)
nova-venv: $(NOVA_VENV)/.installed

$(NOVA_VENV)/.installed:
	python3 -m venv $(NOVA_VENV)
	$(NOVA_VENV)/bin/pip install -q --disable-pip-version-check nova==$(NOVA_VERSION)
	touch $@

build: static-libstdc++
	$(SWIFT) build -c release --static-swift-stdlib $(LINK_FLAGS)

## test: the format check, then the whole test suite (what .ci/run calls); prints its time
## (scripts/test.sh says why it runs the tests in three processes)
test: deps nova-venv format-check
	SWIFT=$(SWIFT) scripts/test.sh

## format: rewrite the Swift sources in the project's style (.swift-format)
format:
	$(SWIFT) format format --in-place --parallel --recursive $(FORMATTED)

## format-check: fail, naming each place, where a source is not in the project's style (make format mends it)
format-check:
	@$(SWIFT) format lint --strict --parallel --recursive $(FORMATTED) || { echo "make format-check: run 'make format'" >&2; exit 1; }

## test-fast: the library tests alone (no built binary, no shells, no Nova): seconds after a build
test-fast:
	SWIFT=$(SWIFT) scripts/test.sh --fast

## e2e: the real-kernel rig: Debian's Linux 6.1 and Xen 4.17 under QEMU TCG, scenarios inside
e2e: deps e2e-deps build
	python3 e2e/rig.py

## fuzz: build the libFuzzer targets in their own scratch path and run each FUZZ_RUNS times
fuzz: deps
	scripts/fuzz.sh $(FUZZ_RUNS)

# static-libstdc++: the directory that makes the release link take libstdc++.a (see LINK_FLAGS)
static-libstdc++:
	@archive="$(LIBSTDCXX_A)"; case "$$archive" in /*) [ -f "$$archive" ] ;; *) false ;; esac || \
	  { echo "make: no libstdc++.a for the release link: apt-get install libstdc++-12-dev" >&2; exit 1; }; \
	  mkdir -p $(STATIC_CXX) && ln -sfn "$$archive" $(STATIC_CXX)/libstdc++.a

clean:
	rm -rf .build .build-fuzz

## bench: release build (static Swift stdlib), then pcihide against lspci, alternating runs
bench: deps build
	python3 bench/bench.py

## completions: regenerate Completions/ from the argument parser (a test fails when they are stale)
completions:
	$(SWIFT) build --product pcihide
	.build/debug/pcihide completion bash > Completions/pcihide.bash
	.build/debug/pcihide completion zsh > Completions/_pcihide
	.build/debug/pcihide completion fish > Completions/pcihide.fish

## man: regenerate man/pcihide.1 from the parser and man/*.mdoc (a test fails when it is stale)
man:
	python3 scripts/make-man.py

## install: the release binary (static Swift stdlib), the man page and the completions
install: build install-files

## install-files: install $(BINARY) and the committed files without building (the tests use it)
install-files:
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR) $(UNITDIR) $(DATADIR)
	install -m 755 $(BINARY) $(BINDIR)/pcihide
	install -m 644 man/pcihide.1 $(MANDIR)/pcihide.1
	install -m 644 Completions/pcihide.bash $(BASHDIR)/pcihide
	install -m 644 Completions/_pcihide $(ZSHDIR)/_pcihide
	install -m 644 Completions/pcihide.fish $(FISHDIR)/pcihide.fish
	install -m 644 schema/pcihide-output.schema.json $(DATADIR)/pcihide-output.schema.json
	sed 's|@BINDIR@|$(PREFIX)/bin|' systemd/pcihide-watch@.service.in > $(UNITDIR)/pcihide-watch@.service
	chmod 644 $(UNITDIR)/pcihide-watch@.service

## uninstall: remove exactly what install put there
uninstall:
	rm -f $(BINDIR)/pcihide $(MANDIR)/pcihide.1 $(BASHDIR)/pcihide $(ZSHDIR)/_pcihide $(FISHDIR)/pcihide.fish $(UNITDIR)/pcihide-watch@.service $(DATADIR)/pcihide-output.schema.json
	rmdir $(DATADIR) 2>/dev/null || true
