// IA-64 boot code calling the installed i-cache flush routine.
        .text
        .align 16
        .global _start
        .proc _start
_start:
        { .mib
          nop.m 0
          nop.i 0
          br.call.sptk.many b0 = pvp_ia64_flush_icache ;;
        }
        .endp _start
