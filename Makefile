# Qiangji build. `make` builds build/qiangji; `make check` installs what is
# missing, builds, and runs every test (also under ASan+UBSan); `make demo`
# builds a demo county and serves it on http://127.0.0.1:8080. The browser UI
# (ui/, plain ES modules, packages from npm by package-lock.json) is built
# into build/ui, beside the binary, where `qiangji serve` finds it.

CC      ?= cc
# Where `make install` puts things (DESTDIR in front of each). The binary
# finds the installed UI under DATADIR and the config file under SYSCONFDIR
# (build/paths.h: changing PREFIX rebuilds the two files that read them).
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
UNITDIR    ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/systemd/system,$(PREFIX)/lib/systemd/system)
PKGS    := sqlite3 libmicrohttpd jansson libsodium xlsxwriter icu-uc icu-i18n libzip expat
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread -Ibuild \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread

SRC      := $(sort $(wildcard src/*.c))
LIBSRC   := $(filter-out src/main.c,$(SRC))
OBJ      := $(SRC:src/%.c=build/obj/%.o)
LIBOBJ   := $(LIBSRC:src/%.c=build/obj/%.o)
ASANOBJ  := $(SRC:src/%.c=build/asan/obj/%.o)
ASANLIB  := $(LIBSRC:src/%.c=build/asan/obj/%.o)
UNITS    := $(sort $(wildcard tests/unit/test_*.c))
UNITBIN  := $(UNITS:tests/unit/%.c=build/asan/%)
FUZZERS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZBIN  := $(FUZZERS:tests/fuzz/%.c=build/fuzz/%)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ASSETS   := $(wildcard src/assets/*)

.PHONY: all deps check unit api fuzz fuzz-merge fault torture demo bench clean ui browser install man FORCE
all: build/qiangji ui build/qiangji.1

deps:
	@scripts/install-deps.sh

# Quiet unless V=1.
Q := $(if $(V),,@)
build/obj/%.o: src/%.c $(wildcard src/*.h) | build/obj
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<
build/asan/obj/%.o: src/%.c $(wildcard src/*.h) | build/asan/obj
	@$(if $(Q),echo "  CC asan $<")
	$(Q)$(CC) $(CFLAGS) -O1 $(SANFLAGS) -c -o $@ $<
build/obj build/asan/obj build/fuzz:
	mkdir -p $@

# The installed paths the binary looks in, rewritten only when they change.
build/paths.h: FORCE | build/obj
	@printf '/* build/paths.h: written by make from PREFIX and SYSCONFDIR */\n#define QJ_UI_DIR "%s"\n#define QJ_CONFIG_FILE "%s"\n' \
	  '$(DATADIR)/qiangji/ui' '$(SYSCONFDIR)/qiangji/qiangji.conf' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@
build/obj/config.o build/obj/ui.o build/obj/cli.o: build/paths.h
build/asan/obj/config.o build/asan/obj/ui.o build/asan/obj/cli.o: build/paths.h

# Files built into the binary. The OpenAPI document is src/openapi.json plus
# the fragments src/openapi/NAME.json that modules name in their records
# (Module.zOpenapi), merged by the server at start: one JSON object, the
# base under "", each fragment under its NAME.
OPENAPI := src/openapi.json $(sort $(wildcard src/openapi/*.json))
# The folder is a prerequisite too: a fragment renamed or removed changes it.
build/openapi-parts.json: $(OPENAPI) src/openapi Makefile | build/obj
	@{ printf '{"":'; cat src/openapi.json; for f in $(filter src/openapi/%,$(OPENAPI)); do \
	   printf ',"%s":' "$$(basename $$f .json)"; cat $$f; done; printf '}'; } > $@
build/obj/assets.o build/asan/obj/assets.o $(FUZZBIN): build/openapi-parts.json
$(FUZZBIN): build/paths.h

# The manual page, written by the binary from its command table.
build/qiangji.1: build/qiangji
	$(Q)./build/qiangji help --man > $@.new && mv $@.new $@
man: build/qiangji.1

build/qiangji: $(OBJ)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $(OBJ) $(LDLIBS)
build/asan/qiangji: $(ASANOBJ)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $(ASANOBJ) $(LDLIBS)
build/asan/test_%: tests/unit/test_%.c $(ASANLIB) tests/unit/unit.h
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CFLAGS) -O1 $(SANFLAGS) -Isrc -o $@ $< $(ASANLIB) $(LDLIBS) -lcmocka
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIBSRC) $(wildcard src/*.h) | build/fuzz
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)clang $(filter-out -Werror,$(CFLAGS)) -O1 -Isrc -fsanitize=fuzzer,address,undefined \
	  -o $@ $< $(LIBSRC) $(LDLIBS)

# The browser UI: npm packages from the lock file, then ui/ and the vendor
# files copied into build/ui/assets-HASH/ (scripts/build-ui.mjs).
UI_SRC := $(shell find ui -type f 2>/dev/null)
node_modules/.package-lock.json: package.json package-lock.json
	@echo "  NPM     ci"
	$(Q)npm ci --no-audit --no-fund --loglevel=error
	$(Q)touch $@
build/ui/index.html: $(UI_SRC) scripts/build-ui.mjs node_modules/.package-lock.json
	$(Q)node scripts/build-ui.mjs build/ui
ui: build/ui/index.html

# Unit tests (cmocka) under ASan+UBSan.
unit: $(UNITBIN)
	@set -e; for t in $(UNITBIN); do echo "== $$t"; $$t; done

# Black-box tests: the real server, on a free loopback port, under ASan+UBSan
# and in the normal build.
api: build/qiangji build/asan/qiangji
	QIANGJI_BIN=$(CURDIR)/build/asan/qiangji node --test --test-concurrency=1 tests/api/
	QIANGJI_BIN=$(CURDIR)/build/qiangji node --test --test-concurrency=1 tests/api/

# Browser tests: the real server and Debian's chromium driven by playwright-core
# (tests/browser); screenshots go to build/screenshots/.
browser: build/qiangji ui
	QIANGJI_BIN=$(CURDIR)/build/qiangji node --test --test-concurrency=1 tests/browser/

# Each fuzz target: a short run from its seed corpus (longer: FUZZ_SECONDS=600).
FUZZ_SECONDS ?= 15
fuzz: $(FUZZBIN)
	@set -e; for f in $(FUZZBIN); do n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
	  echo "== $$n ($(FUZZ_SECONDS) s)"; \
	  if ! $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=0 -artifact_prefix=build/fuzz/$$n- \
	       build/fuzz/corpus-$$n tests/fuzz/corpus/$$n > build/fuzz/$$n.log 2>&1; then \
	    tail -n 40 build/fuzz/$$n.log; echo "$$n FAILED (input saved as build/fuzz/$$n-*)"; exit 1; fi; \
	  tail -n 1 build/fuzz/$$n.log; done

# The corpus kept in tests/fuzz/corpus/NAME, minimized: what a run found
# (build/fuzz/corpus-NAME) merged with what is kept, keeping only inputs that
# add coverage (-merge=1). Run after a long `make fuzz`; commit the result.
fuzz-merge: $(FUZZBIN)
	@set -e; for f in $(FUZZBIN); do n=$$(basename $$f); rm -rf build/fuzz/min-$$n; mkdir -p build/fuzz/min-$$n build/fuzz/corpus-$$n; \
	  $$f -merge=1 -max_len=4096 build/fuzz/min-$$n tests/fuzz/corpus/$$n build/fuzz/corpus-$$n > build/fuzz/$$n-merge.log 2>&1; \
	  rm -rf tests/fuzz/corpus/$$n; mv build/fuzz/min-$$n tests/fuzz/corpus/$$n; \
	  echo "$$n: $$(ls tests/fuzz/corpus/$$n | wc -l) inputs, $$(du -sk tests/fuzz/corpus/$$n | cut -f1) KiB"; done

# The fault suite (tests/fault): kill -9 under concurrent writes, a disk that
# fills (a tmpfs: root), kill -9 during a large import, a mixed soak; then
# its table (tests/fault/report.mjs). `make fault` is the short form of
# `make check` (5 kill cycles, 4 import kills, a 60 s soak: about 2 minutes
# on 2 cores); `make torture` the long one, never in check: 100 cycles,
# 20 import kills, every fuzz target for FUZZ_SECONDS (600) and a soak of
# SOAK_SECONDS (1800).
FAULT_RUN = QIANGJI_BIN=$(CURDIR)/build/asan/qiangji SOAK_BIN=$(CURDIR)/build/qiangji \
            nice node --test --test-concurrency=1 tests/fault/
fault: build/qiangji build/asan/qiangji
	@rm -rf build/fault
	FAULT_CYCLES=5 FAULT_IMPORT_KILLS=4 SOAK_SECONDS=60 $(FAULT_RUN)
	@node tests/fault/report.mjs
SOAK_SECONDS ?= 1800
torture: build/qiangji build/asan/qiangji
	@rm -rf build/fault
	$(MAKE) fuzz FUZZ_SECONDS=$(if $(filter command line environment,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),600)
	FAULT_CYCLES=100 FAULT_IMPORT_KILLS=20 SOAK_SECONDS=$(SOAK_SECONDS) $(FAULT_RUN)
	@node tests/fault/report.mjs --fuzz

check: deps
	$(MAKE) all build/asan/qiangji
	$(MAKE) unit
	$(MAKE) fuzz
	$(MAKE) api
	$(MAKE) fault
	$(MAKE) browser
	@echo "make check: all passed"

# The demo runs up to the day it was built (the business day, or
# QIANGJI_TODAY); a demo database of another day is built again.
DEMO_DB ?= build/demo.db
demo: deps
	$(MAKE) all
	@day=$${QIANGJI_TODAY:-$$(TZ=$${QIANGJI_TZ:-Asia/Shanghai} date +%F)}; \
	if [ -f $(DEMO_DB) ] && [ "$$(cat $(DEMO_DB).day 2>/dev/null)" != "$$day" ]; then \
	  echo "演示数据库 $(DEMO_DB) 不是今天（$$day）生成的，重新生成"; rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm; fi; \
	test -f $(DEMO_DB) || { ./build/qiangji demo --db $(DEMO_DB) --scale county --seed 1 --today $$day && echo $$day > $(DEMO_DB).day; }
	./build/qiangji serve --db $(DEMO_DB) --listen 127.0.0.1:8080

# The benchmark table (never part of check): builds the province demo once
# into ${XDG_CACHE_HOME:-~/.cache}/qiangji-bench, then runs bench/rows/*.sh.
# See bench/README.md.
bench: all
	@scripts/install-deps.sh --bench
	bench/run.sh

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the built UI, the
# manual page, the example config (and the config itself only where there is
# none), the systemd units and the backup script. The service's user and
# directories are systemd's (DynamicUser, StateDirectory): see docs/operations.md.
install: build/qiangji ui build/qiangji.1
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/qiangji $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(SYSCONFDIR)/qiangji $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DATADIR)/doc/qiangji
	install -m 755 build/qiangji $(DESTDIR)$(BINDIR)/qiangji
	rm -rf $(DESTDIR)$(DATADIR)/qiangji/ui
	cp -R build/ui $(DESTDIR)$(DATADIR)/qiangji/ui
	chmod -R u=rwX,go=rX $(DESTDIR)$(DATADIR)/qiangji/ui
	install -m 644 build/qiangji.1 $(DESTDIR)$(MANDIR)/man1/qiangji.1
	install -m 644 dist/qiangji.conf $(DESTDIR)$(SYSCONFDIR)/qiangji/qiangji.conf.example
	test -e $(DESTDIR)$(SYSCONFDIR)/qiangji/qiangji.conf || \
	  install -m 644 dist/qiangji.conf $(DESTDIR)$(SYSCONFDIR)/qiangji/qiangji.conf
	for f in dist/systemd/*.service dist/systemd/*.timer; do \
	  sed 's|/usr/bin/qiangji|$(BINDIR)/qiangji|g; s|/etc/qiangji|$(SYSCONFDIR)/qiangji|g; s|/usr/share/qiangji|$(DATADIR)/qiangji|g' \
	    $$f > $(DESTDIR)$(UNITDIR)/$$(basename $$f); chmod 644 $(DESTDIR)$(UNITDIR)/$$(basename $$f); done
	install -d $(DESTDIR)$(PREFIX)/lib/sysusers.d
	install -m 644 dist/systemd/qiangji.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/qiangji.conf
	install -m 755 dist/qiangji-backup.sh $(DESTDIR)$(DATADIR)/qiangji/qiangji-backup.sh
	install -m 644 dist/nginx/qiangji.conf $(DESTDIR)$(DATADIR)/doc/qiangji/nginx-qiangji.conf
	install -m 644 docs/operations.md $(DESTDIR)$(DATADIR)/doc/qiangji/operations.md

clean:
	rm -rf build
