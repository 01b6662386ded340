/* void pvp_ia64_flush_icache(uint64_t addr, uint64_t size)
 *
 * Make freshly written code visible to instruction fetch: fc.i on every
 * bundle of [addr, addr+size), then sync.i and srlz.i once. Boot-time
 * patching runs before other CPUs start, so the local flush is enough.
 * Host builds do not assemble this file; the tests assemble it with GNU as. */
    .explicit
    .text
    .align 32
    .global pvp_ia64_flush_icache
    .proc pvp_ia64_flush_icache
pvp_ia64_flush_icache:
    .prologue
    .save ar.pfs, r2
    alloc r2 = ar.pfs, 2, 0, 0, 0
    .save ar.lc, r3
    mov r3 = ar.lc
    .body
    add r14 = 15, r33               // round the size up to whole bundles
    cmp.eq p6, p0 = r0, r33
    ;;
    shr.u r14 = r14, 4
(p6) br.cond.spnt.few 2f            // nothing to flush
    ;;
    adds r14 = -1, r14
    ;;
    mov ar.lc = r14
    ;;
1:
    fc.i r32
    adds r32 = 16, r32
    br.cloop.sptk.few 1b
    ;;
    sync.i
    ;;
    srlz.i
    ;;
2:
    mov ar.lc = r3
    mov ar.pfs = r2
    br.ret.sptk.many b0
    .endp pvp_ia64_flush_icache
