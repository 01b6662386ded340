# The x86-64 backend (built on Zydis) and the Linux userspace runtime writer.
# Included by the Makefile after HOST_LIBS; adds to LIB_SRC, HOST_LIBS, CHECK_DEPS.

X86_SRC     := $(wildcard src/arch/x86_64/*.c)
RUNTIME_SRC := $(wildcard src/runtime/*.c)
LIB_SRC     += $(X86_SRC) $(RUNTIME_SRC)
HOST_LIBS   += -lZydis
CHECK_DEPS  += x86-freestanding

.PHONY: x86-freestanding

# The x86 backend must link into a kernel next to a Zydis built with
# ZYAN_NO_LIBC: compile it without any libc header (only the compiler's own
# stdint.h/stddef.h, and Zydis/Zycore headers in NO_LIBC mode) and allow no
# undefined symbol but Zydis's and the four a freestanding compiler may call.
X86_FS := $(BUILD)/fs-x86
x86-freestanding: | $(DEPS)
	@rm -rf $(X86_FS) && mkdir -p $(X86_FS)/include
	@ln -s /usr/include/Zydis /usr/include/Zycore $(X86_FS)/include/
	@for f in $(X86_SRC); do \
	    $(CC) -nostdinc -isystem $$($(CC) -print-file-name=include) -I$(X86_FS)/include \
	        -Iinclude -Isrc -DZYAN_NO_LIBC -std=c11 $(WARN) -Werror -O2 -ffreestanding -nostdlib \
	        -fno-stack-protector -c $$f -o $(X86_FS)/$$(basename $$f .c).o || exit 1; done
	@ld -r -o $(X86_FS)/x86.o $(X86_FS)/*.o
	@undef=$$(nm -u $(X86_FS)/x86.o | awk '{print $$2}' | grep -vE '^(Zydis|Zycore|Zyan)' | \
	    grep -vxE 'memcpy|memset|memmove|memcmp' || true); \
	if [ -n "$$undef" ]; then echo "x86-freestanding: backend needs $$undef" >&2; exit 1; fi
	@echo "x86-freestanding: x86-64 backend builds without libc headers; needs only Zydis: $$(nm -u $(X86_FS)/x86.o | awk '{print $$2}' | tr '\n' ' ')"

# Programs with pvpatch records (instances, sites, modes) link them with ld's
# default script plus this fragment, which also names their bounds.
X86_RECORDS_LDFLAGS := -Wl,-L,include/pvpatch/x86_64 -Wl,-T,pvpatch-insert.lds

# bench_call: its loops live in separate objects (no compiler sees through a
# call), one built with retpolines, the PVP_CALL sites without a red zone
# (patched at start-up, so linked with the records fragment); the IFUNC row
# calls into a shared library through the PLT. Every loop function starts a
# 64-byte line: a loop that straddles two costs it some 20% here, and where
# the link puts a loop must not decide a comparison.
BENCH_CALL_DIR := $(BUILD)/bench/call
BENCH_CALL_OBJ := $(addprefix $(BENCH_CALL_DIR)/,ops.o loops.o retpoline.o sites.o)
BENCH_CALL_FLAGS_retpoline := -mindirect-branch=thunk -fcf-protection=none
BENCH_CALL_FLAGS_sites := -mno-red-zone

$(BENCH_CALL_DIR)/%.o: bench/call/%.c mk/x86_64.mk | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O2 -falign-functions=64 $(BENCH_CALL_FLAGS_$*) -c $< -o $@

$(BENCH_CALL_DIR)/libbenchifunc.so: bench/call/ifunc.c | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O2 -fpic -shared $< -o $@

$(BUILD)/bench/bench_call: $(BENCH_CALL_OBJ) $(BENCH_CALL_DIR)/libbenchifunc.so
$(BUILD)/bench/bench_call: HOST_LIBS += -L$(BENCH_CALL_DIR) -lbenchifunc \
    -Wl,-rpath,$(abspath $(BENCH_CALL_DIR)) $(X86_RECORDS_LDFLAGS)

# examples/x86_64: one PIE built once, patched at start-up to the mode on its
# command line. The hot path uses PVP_CALL sites: no red zone there.
X86_EXAMPLE_DIR := $(BUILD)/examples/x86_64
X86_EXAMPLE     := $(X86_EXAMPLE_DIR)/pvexample
.PHONY: x86-example

x86-example: $(X86_EXAMPLE)
	@for m in none native counting portable; do $(X86_EXAMPLE) $$m || exit 1; done

$(X86_EXAMPLE_DIR)/main.o: CFLAGS += -mno-red-zone
$(X86_EXAMPLE_DIR)/%.o: examples/x86_64/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fpie -c $< -o $@

$(X86_EXAMPLE): $(X86_EXAMPLE_DIR)/main.o $(X86_EXAMPLE_DIR)/modes.o $(BUILD)/libpvpatch.a
	$(CC) $(CFLAGS) -pie $^ -lZydis $(X86_RECORDS_LDFLAGS) -o $@

# tests/test_x86_rtinstall.c links a program against the library and
# test_x86_sites_rt.c runs the example: have them built with the runner
# (order-only: they are not linked into it). The runner has PVP_CALL sites of
# its own (test_x86_sites_rt.c, without a red zone) and patches them.
$(BUILD)/tests/pvpatch-tests: | $(BUILD)/libpvpatch.a $(X86_EXAMPLE)
$(BUILD)/tests/pvpatch-tests: HOST_LIBS += $(X86_RECORDS_LDFLAGS)
$(BUILD)/san/tests/test_x86_sites_rt.o: CFLAGS += -mno-red-zone

# tests/stress/x86_repatch.c: worker threads run PVP_CALL sites while the
# main thread re-patches them. The test suite runs it short
# (tests/test_x86_live.c); `make stress` runs it long and prints its figures.
X86_STRESS := $(BUILD)/tests/x86_repatch
STRESS_THREADS ?= 8
STRESS_PATCHES ?= 1000000
.PHONY: stress

$(X86_STRESS): tests/stress/x86_repatch.c $(BUILD)/libpvpatch.a | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fpie -pie -mno-red-zone -pthread $< $(BUILD)/libpvpatch.a \
	    -lZydis $(X86_RECORDS_LDFLAGS) -o $@

stress: $(X86_STRESS)
	$(X86_STRESS) --threads $(STRESS_THREADS) --patches $(STRESS_PATCHES)

$(BUILD)/tests/pvpatch-tests: | $(X86_STRESS)

# bench_rtpatch: pvp_rt_patch of 56 and of 1000 sites, each a shared
# library of bench/rtpatch/sites.c (dlopen'ed from its directory).
RTPATCH_DIR := $(BUILD)/bench/rtpatch
RTPATCH_LIBS := $(RTPATCH_DIR)/libbenchsites56.so $(RTPATCH_DIR)/libbenchsites1000.so

$(RTPATCH_DIR)/libbenchsites%.so: bench/rtpatch/sites.c | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O2 -fpic -shared -mno-red-zone -DNSITES=$* $< \
	    $(X86_RECORDS_LDFLAGS) -o $@

$(BUILD)/bench/bench_rtpatch: $(RTPATCH_LIBS)
$(BUILD)/bench/bench_rtpatch: CPPFLAGS += -DRTPATCH_DIR='"$(abspath $(RTPATCH_DIR))"'
$(BUILD)/bench/bench_rtpatch: HOST_LIBS += -pthread
