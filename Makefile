# pvpatch — `make` builds the command and the library, `make demo` shows it
# working, `make check` runs every test.
# Other targets: bench, fuzz, install, uninstall, freestanding, clean,
# upstream-ivt LINUX=/path (a Linux ivt.S through pvpatch, see examples/ia64-ivt).

# Where `make install` puts things (DESTDIR, if set, is prepended to each).
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
DOCDIR     ?= $(DATADIR)/doc/pvpatch
CC      ?= cc
FUZZCC  ?= clang
BUILD   := build
VERSION := 0.1.0
SOVERSION := 0

# mk/*.mk define rules of their own: the default goal is named, not left to
# whichever rule make reads first.
.DEFAULT_GOAL := all

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
FUZZ_SRC   := $(wildcard fuzz/fuzz_*.c)
FUZZ_SUPPORT := $(wildcard fuzz/support/*.c)
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
DEPS       := $(BUILD)/.deps
# What the library itself links against: the host programs' libraries but
# libelf, which only src/elf (the command's file reader) uses.
LIB_LIBS   := $(filter-out -lelf,$(HOST_LIBS))
SONAME     := libpvpatch.so.$(SOVERSION)
SHLIB      := $(BUILD)/libpvpatch.so.$(VERSION)
LIBS_BUILT := $(BUILD)/libpvpatch.a $(SHLIB) $(BUILD)/$(SONAME) $(BUILD)/libpvpatch.so

.PHONY: all demo check bench fuzz install uninstall install-check freestanding clean deps upstream-ivt

all: $(BUILD)/pvpatch $(LIBS_BUILT)

# Missing Debian packages are installed (as root) or named (otherwise).
$(DEPS): scripts/install-deps.sh
	@sh scripts/install-deps.sh
	@mkdir -p $(BUILD) && touch $@
deps: $(DEPS)

# $(call stamp,FILE,TEXT), read as the Makefile is: FILE is rewritten when it
# does not hold TEXT, so what depends on FILE is rebuilt exactly when TEXT
# changes (and `make -n` does not see a change that is not there).
differ = $(subst x$(1),,x$(2))$(subst x$(2),,x$(1))
stamp  = $(if $(call differ,$(file <$(1)),$(2)),$(shell mkdir -p $(dir $(1)))$(file >$(1),$(2)))

$(BUILD)/obj/src/engine/%.o $(BUILD)/obj/src/arch/%.o: CFLAGS += -ffreestanding
# Position-independent, so that libpvpatch.a links into shared libraries too.
LIB_CFLAGS := -fPIC
$(ENGINE_OBJ): CFLAGS += $(LIB_CFLAGS)
# Objects are rebuilt when the compiler or its flags change, not only their sources.
$(call stamp,$(BUILD)/obj/.flags,$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS))
$(BUILD)/obj/%.o: %.c $(BUILD)/obj/.flags | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/san/%.o: %.c | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -c $< -o $@

$(BUILD)/libpvpatch.a: $(ENGINE_OBJ)
	rm -f $@ && ar rcs $@ $^

# The shared library: every symbol resolved at its own link (-z defs).
$(SHLIB): $(ENGINE_OBJ)
	$(CC) $(CFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,-z,defs $^ $(LIB_LIBS) -o $@
$(BUILD)/$(SONAME) $(BUILD)/libpvpatch.so: $(SHLIB)
	ln -sf $(<F) $@

$(BUILD)/pvpatch: $(BUILD)/obj/src/cli/main.o $(HOST_OBJ) $(BUILD)/libpvpatch.a
	$(CC) $(CFLAGS) $^ $(HOST_LIBS) -o $@

# Tests run under AddressSanitizer and UBSan, with the CLI built alongside.
$(BUILD)/tests/pvpatch-tests: $(SAN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $^ -lcriterion $(HOST_LIBS) -o $@

$(BUILD)/bench/%: bench/%.c $(HOST_OBJ) $(BUILD)/libpvpatch.a | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O2 $(filter %.c %.o %.a,$^) $(HOST_LIBS) -o $@

# Fuzz targets (fuzz/fuzz_*.c) link fuzz/support and the library, the ELF
# reader and the command built with coverage and the sanitizers, so they
# reach every parser a user's file goes through; UB stops them like a crash
# (pointer-overflow through halt_on_error, so that fuzz/known-ub.supp can
# waive a reported case: fuzz/run.sh).
FUZZERS      := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize-recover=pointer-overflow
FUZZ_LIB_OBJ := $(patsubst %.c,$(BUILD)/fz/%.o,$(ENGINE_SRC) $(LIB_SRC) $(HOST_SRC) $(FUZZ_SUPPORT))
$(call stamp,$(BUILD)/fz/.flags,$(FUZZCC) $(CPPFLAGS) $(FUZZ_SAN))
$(BUILD)/fz/%.o: %.c $(BUILD)/fz/.flags | $(DEPS)
	@mkdir -p $(@D)
	$(FUZZCC) $(CPPFLAGS) -Ifuzz -std=c11 -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@
$(BUILD)/fz/libfuzzed.a: $(FUZZ_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^
$(FUZZERS): $(BUILD)/fuzz/%: $(BUILD)/fz/fuzz/%.o $(BUILD)/fz/libfuzzed.a
	@mkdir -p $(@D)
	$(FUZZCC) -g $(FUZZ_SAN) -fsanitize=fuzzer $(filter %.o %.a,$^) $(HOST_LIBS) -o $@

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

# Seconds each fuzz target runs in make fuzz and in make check; FUZZ_FLAGS go to libFuzzer.
FUZZ_SECONDS ?= 300
CHECK_FUZZ_SECONDS ?= 5
FUZZ_FLAGS ?=

# Seeds for the fuzz targets, built from the examples (fuzz/seeds.sh); the
# x86-64 example's program and object when mk/x86_64.mk builds them.
FUZZ_SEEDS := $(BUILD)/fuzz/seeds/.built
X86_SEEDS  := $(if $(X86_EXAMPLE),$(X86_EXAMPLE) $(dir $(X86_EXAMPLE))main.o)
$(FUZZ_SEEDS): fuzz/seeds.sh $(BUILD)/pvpatch $(X86_SEEDS) \
               $(shell find examples/ia64-ivt examples/install include/pvpatch/ia64 -type f)
	sh fuzz/seeds.sh $(BUILD)/fuzz/seeds $(BUILD)/pvpatch $(X86_SEEDS)
	@touch $@

# make check fuzzes from the seeds alone (a fresh corpus, seed 1), so its
# time does not grow with what earlier runs found; make fuzz keeps
# build/corpus from run to run.
check: $(BUILD)/tests/pvpatch-tests $(BUILD)/pvpatch $(FUZZERS) $(FUZZ_SEEDS) freestanding install-check $(CHECK_DEPS)
	@rm -rf $(BUILD)/fuzz/check-corpus
	@sh fuzz/run.sh $(CHECK_FUZZ_SECONDS) $(BUILD)/fuzz/check-corpus -seed=1 $(FUZZERS)
	PVPATCH=$(BUILD)/pvpatch $(BUILD)/tests/pvpatch-tests

fuzz: $(FUZZERS) $(FUZZ_SEEDS)
	@sh fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)/corpus "$(FUZZ_FLAGS)" $(FUZZERS)

bench: $(BENCHES) $(BUILD)/pvpatch
	@for b in $(BENCHES); do $$b || exit 1; done

demo: $(BUILD)/pvpatch
	@sh examples/demo.sh $(BUILD)

# A user's Linux ivt.S built with pvpatch's headers first, in every form and
# mode, installed, patched and checked (LINUX_INC, LINUX_DEFS: see the script).
upstream-ivt: $(BUILD)/pvpatch
	@test -n "$(LINUX)" || { echo "usage: make upstream-ivt LINUX=/path/to/linux" >&2; exit 2; }
	@sh examples/ia64-ivt/upstream-ivt.sh "$(LINUX)" $(BUILD)

# pvpatch.pc names the install directories: it is rebuilt whenever one of
# them (or what it records) changes, not only when pvpatch.pc.in does. Paths
# under PREFIX are written relative to ${prefix}. DESTDIR is a staging root,
# not where the files end up, so it is never written into the file.
pc_path   = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
PC_VALUES := $(VERSION)|$(PREFIX)|$(LIBDIR)|$(INCLUDEDIR)|$(DATADIR)|$(LIB_LIBS)
$(call stamp,$(BUILD)/pvpatch.pc.values,$(PC_VALUES))
$(BUILD)/pvpatch.pc: pvpatch.pc.in $(BUILD)/pvpatch.pc.values
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(call pc_path,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(call pc_path,$(INCLUDEDIR))|' -e 's|@DATADIR@|$(call pc_path,$(DATADIR))|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@LIBS_PRIVATE@|$(LIB_LIBS)|' $< > $@

# Everything `make install` writes, relative to DESTDIR: uninstall removes
# exactly this, then the directories that are pvpatch's own.
HEADERS   := $(patsubst include/%,%,$(shell find include/pvpatch -type f))
DOCS      := README.md $(wildcard docs/*.md)
FLUSH_SRC := src/arch/ia64/flush_icache.S
INSTALLED := $(BINDIR)/pvpatch $(addprefix $(LIBDIR)/,$(notdir $(LIBS_BUILT))) \
             $(LIBDIR)/pkgconfig/pvpatch.pc $(addprefix $(INCLUDEDIR)/,$(HEADERS)) \
             $(DATADIR)/pvpatch/ia64/flush_icache.S $(MANDIR)/man1/pvpatch.1 \
             $(addprefix $(DOCDIR)/,$(DOCS))
OWN_DIRS  := $(INCLUDEDIR)/pvpatch $(DATADIR)/pvpatch $(DOCDIR)

install: all $(BUILD)/pvpatch.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(DATADIR)/pvpatch/ia64
	install -m 755 $(BUILD)/pvpatch $(DESTDIR)$(BINDIR)/
	install -m 644 $(BUILD)/libpvpatch.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/libpvpatch.so
	install -m 644 $(BUILD)/pvpatch.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	@for f in $(HEADERS); do install -D -m 644 include/$$f $(DESTDIR)$(INCLUDEDIR)/$$f || exit 1; done
	install -m 644 $(FLUSH_SRC) $(DESTDIR)$(DATADIR)/pvpatch/ia64/
	install -m 644 docs/pvpatch.1 $(DESTDIR)$(MANDIR)/man1/
	@for f in $(DOCS); do install -D -m 644 $$f $(DESTDIR)$(DOCDIR)/$$f || exit 1; done
	@echo "installed pvpatch $(VERSION) under $(DESTDIR)$(PREFIX)"

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	@for d in $(OWN_DIRS); do \
	    [ ! -d $(DESTDIR)$$d ] || find $(DESTDIR)$$d -depth -type d -empty -delete; done

# make check: what a user gets from make, make install and make uninstall
# (tests/install-check.sh says what each check proves).
install-check: all
	MAKE='$(MAKE)' sh tests/install-check.sh $(BUILD)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
