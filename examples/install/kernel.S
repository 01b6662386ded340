/* The rest of a tiny kernel: what the handlers branch to, and the page table root. */
        .text
        .global page_fault, syscall_entry, _start
_start:
page_fault:
        { .mib; nop.m 0; nop.i 0; br.ret.sptk.many b0 ;; }
syscall_entry:
        { .mib; nop.m 0; nop.i 0; br.ret.sptk.many b0 ;; }
        .section .text.far, "ax"
        .global far_handler
far_handler:
        { .mib; nop.m 0; nop.i 0; br.ret.sptk.many b0 ;; }
        .data
        .global swapper_pg_dir
        .align 16
swapper_pg_dir:
        data8 0
