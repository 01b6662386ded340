# pvpatch — `make demo` shows it working, `make check` runs every test.
# Other targets: all, bench, fuzz, install, freestanding, clean,
# upstream-ivt LINUX=/path (a Linux ivt.S through pvpatch, see examples/ia64-ivt).

PREFIX  ?= /usr/local
CC      ?= cc
FUZZCC  ?= clang
BUILD   := build
VERSION := 0.1.0

WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
CPPFLAGS := -Iinclude -Isrc -MMD -MP -DPVPATCH_VERSION='"$(VERSION)"'
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 $(WARN)
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The engine and arch backends: freestanding, linkable into a kernel.
ENGINE_SRC := $(wildcard src/engine/*.c src/arch/ia64/*.c)
# Host-only code: ELF I/O and the CLI (main.c is the program's entry).
HOST_SRC   := $(filter-out src/cli/main.c,$(wildcard src/elf/*.c src/cli/*.c))
TEST_SRC   := $(wildcard tests/*.c tests/support/*.c)
BENCH_SRC  := $(wildcard bench/*.c)
FUZZ_SRC   := $(wildcard fuzz/*.c)
HOST_LIBS  := -lelf
# Optional parts (mk/*.mk, e.g. an arch backend with a library of its own)
# add to these: LIB_SRC goes into libpvpatch.a and the test runner, CHECK_DEPS
# run before the tests.
LIB_SRC    :=
CHECK_DEPS :=
include $(sort $(wildcard mk/*.mk))

ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/obj/%.o) $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
HOST_OBJ   := $(HOST_SRC:%.c=$(BUILD)/obj/%.o)
SAN_OBJ    := $(ENGINE_SRC:%.c=$(BUILD)/san/%.o) $(LIB_SRC:%.c=$(BUILD)/san/%.o) $(HOST_SRC:%.c=$(BUILD)/san/%.o) \
              $(TEST_SRC:%.c=$(BUILD)/san/%.o)
BENCHES    := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
FUZZERS    := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)
DEPS       := $(BUILD)/.deps

.PHONY: all demo check bench fuzz install freestanding clean deps upstream-ivt

all: $(BUILD)/pvpatch $(BUILD)/libpvpatch.a

# Missing Debian packages are installed (as root) or named (otherwise).
$(DEPS): scripts/install-deps.sh
	@sh scripts/install-deps.sh
	@mkdir -p $(BUILD) && touch $@
deps: $(DEPS)

$(BUILD)/obj/src/engine/%.o $(BUILD)/obj/src/arch/%.o: CFLAGS += -ffreestanding
$(BUILD)/obj/%.o: %.c | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/san/%.o: %.c | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -c $< -o $@

$(BUILD)/libpvpatch.a: $(ENGINE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/pvpatch: $(BUILD)/obj/src/cli/main.o $(HOST_OBJ) $(BUILD)/libpvpatch.a
	$(CC) $(CFLAGS) $^ $(HOST_LIBS) -o $@

# Tests run under AddressSanitizer and UBSan, with the CLI built alongside.
$(BUILD)/tests/pvpatch-tests: $(SAN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $^ -lcriterion $(HOST_LIBS) -o $@

$(BUILD)/bench/%: bench/%.c $(HOST_OBJ) $(BUILD)/libpvpatch.a | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O2 $(filter %.c %.o %.a,$^) $(HOST_LIBS) -o $@

$(BUILD)/fuzz/%: fuzz/%.c $(ENGINE_SRC) | $(DEPS)
	@mkdir -p $(@D)
	$(FUZZCC) $(CPPFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined $(filter %.c,$^) -o $@

# The engine must link into a kernel: build it freestanding without libc and
# allow no undefined symbol but the four a freestanding C compiler may call.
freestanding: | $(DEPS)
	@mkdir -p $(BUILD)/fs
	@for f in $(ENGINE_SRC); do \
	    $(CC) -Iinclude -Isrc -std=c11 $(WARN) -Werror -O2 -ffreestanding -nostdlib \
	        -fno-stack-protector -c $$f -o $(BUILD)/fs/$$(echo $$f | tr / _).o || exit 1; done
	@ld -r -o $(BUILD)/fs/engine.o $(BUILD)/fs/src_*.o
	@undef=$$(nm -u $(BUILD)/fs/engine.o | awk '{print $$2}' | grep -vxE 'memcpy|memset|memmove|memcmp' || true); \
	if [ -n "$$undef" ]; then echo "freestanding: engine needs $$undef" >&2; exit 1; fi
	@echo "freestanding: engine builds with -ffreestanding -nostdlib, no libc symbol needed"

FUZZ_SECONDS ?= 300
CHECK_FUZZ_SECONDS ?= 5

check: $(BUILD)/tests/pvpatch-tests $(BUILD)/pvpatch $(FUZZERS) freestanding $(CHECK_DEPS)
	@for f in $(FUZZERS); do \
	    mkdir -p $(BUILD)/corpus/$$(basename $$f); \
	    $$f -max_total_time=$(CHECK_FUZZ_SECONDS) -seed=1 $(BUILD)/corpus/$$(basename $$f) \
	        >$(BUILD)/$$(basename $$f).log 2>&1 || { tail -40 $(BUILD)/$$(basename $$f).log; exit 1; }; \
	    echo "fuzz: $$(basename $$f): $$(grep -o 'Done [0-9]* runs' $(BUILD)/$$(basename $$f).log) in $(CHECK_FUZZ_SECONDS)s, no crash"; \
	done
	PVPATCH=$(BUILD)/pvpatch $(BUILD)/tests/pvpatch-tests

fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do \
	    mkdir -p $(BUILD)/corpus/$$(basename $$f); \
	    $$f -max_total_time=$(FUZZ_SECONDS) $(BUILD)/corpus/$$(basename $$f) || exit 1; done

bench: $(BENCHES) $(BUILD)/pvpatch
	@for b in $(BENCHES); do $$b || exit 1; done

demo: $(BUILD)/pvpatch
	@sh examples/demo.sh $(BUILD)

# A user's Linux ivt.S built with pvpatch's headers first, in every form and
# mode, installed, patched and checked (LINUX_INC, LINUX_DEFS: see the script).
upstream-ivt: $(BUILD)/pvpatch
	@test -n "$(LINUX)" || { echo "usage: make upstream-ivt LINUX=/path/to/linux" >&2; exit 2; }
	@sh examples/ia64-ivt/upstream-ivt.sh "$(LINUX)" $(BUILD)

$(BUILD)/pvpatch.pc: pvpatch.pc.in
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

install: $(BUILD)/pvpatch $(BUILD)/libpvpatch.a $(BUILD)/pvpatch.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include/pvpatch
	install -m 755 $(BUILD)/pvpatch $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/libpvpatch.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(BUILD)/pvpatch.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	cp -R include/pvpatch/. $(DESTDIR)$(PREFIX)/include/pvpatch/

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
