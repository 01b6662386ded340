# The IA-64 decoder's build-time pieces. Included by the Makefile.
#
# src/arch/ia64/opindex.c, the opcode index lookup walks, is generated from
# the instruction table (opcodes.c, formats.c) by tools/ia64-opindex.c. It is
# kept in the tree, so that the engine builds with a C compiler alone (and
# links into a kernel as plain constant data), and is written again here
# whenever the table's sources change; `make ia64-index` forces it.

IA64_TABLE_SRC := src/arch/ia64/opcodes.c src/arch/ia64/formats.c src/arch/ia64/bundle.c
IA64_INDEX_GEN := $(BUILD)/tools/ia64-opindex

$(IA64_INDEX_GEN): tools/ia64-opindex.c $(IA64_TABLE_SRC) src/arch/ia64/formats.h include/pvpatch/ia64.h
	@mkdir -p $(@D)
	$(CC) -Iinclude -Isrc -std=c11 $(WARN) -O2 tools/ia64-opindex.c $(IA64_TABLE_SRC) -o $@

src/arch/ia64/opindex.c: $(IA64_INDEX_GEN)
	$(IA64_INDEX_GEN) > $@.tmp && mv $@.tmp $@

.PHONY: ia64-index objdump-diff
ia64-index: $(IA64_INDEX_GEN)
	$(IA64_INDEX_GEN) > src/arch/ia64/opindex.c.tmp && mv src/arch/ia64/opindex.c.tmp src/arch/ia64/opindex.c

# The printer against GNU objdump on many random bundles (make check runs a
# short version of the same test). DIFF_SEED=0 picks a seed from the clock.
DIFF_BUNDLES ?= 1000000
DIFF_SEED ?= 0
objdump-diff: $(BUILD)/tests/pvpatch-tests
	PVPATCH_DIFF_BUNDLES=$(DIFF_BUNDLES) PVPATCH_DIFF_SEED=$(DIFF_SEED) \
	    $(BUILD)/tests/pvpatch-tests --filter 'objdump_diff/*'
