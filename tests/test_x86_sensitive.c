/* The x86-64 sensitive-instruction table against GNU as: each instruction
 * assembled by as is classed as the table says; ordinary ones are not. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "pvpatch/x86_64.h"
#include "support/x86_code.h"

Test(x86_sensitive, gnu_as_encodings_are_classed)
{
    static const struct {
        const char *insn;
        unsigned cls;
    } cases[] = {
        { "cli", PVP_X86_SENS_IF },           { "sti", PVP_X86_SENS_IF },
        { "pushfq", PVP_X86_SENS_FLAGS },     { "popfq", PVP_X86_SENS_FLAGS },
        { "pushfw", PVP_X86_SENS_FLAGS },     { "inb %dx, %al", PVP_X86_SENS_IO },
        { "outl %eax, $0x80", PVP_X86_SENS_IO }, { "insb", PVP_X86_SENS_IO },
        { "sgdt (%rax)", PVP_X86_SENS_TABLES }, { "sidt 8(%rsp)", PVP_X86_SENS_TABLES },
        { "sldt %ax", PVP_X86_SENS_TABLES },  { "str %ax", PVP_X86_SENS_TABLES },
        { "smsw %eax", PVP_X86_SENS_STATUS }, { "lar %ax, %bx", PVP_X86_SENS_SEGMENT },
        { "lsl %eax, %ebx", PVP_X86_SENS_SEGMENT }, { "verr %ax", PVP_X86_SENS_SEGMENT },
        { "iretq", PVP_X86_SENS_IRET },       { "hlt", PVP_X86_SENS_PRIVILEGED },
        { "mov %rax, %cr3", PVP_X86_SENS_PRIVILEGED }, { "wrmsr", PVP_X86_SENS_PRIVILEGED },
        { "invlpg (%rdi)", PVP_X86_SENS_PRIVILEGED }, { "lgdt (%rax)", PVP_X86_SENS_PRIVILEGED },
        { "swapgs", PVP_X86_SENS_PRIVILEGED }, { "lidt (%rax)", PVP_X86_SENS_PRIVILEGED },
        { "lldt %ax", PVP_X86_SENS_PRIVILEGED }, { "ltr %ax", PVP_X86_SENS_PRIVILEGED },
        { "lmsw %ax", PVP_X86_SENS_PRIVILEGED }, { "clts", PVP_X86_SENS_PRIVILEGED },
        { "wbinvd", PVP_X86_SENS_PRIVILEGED },   { "mov %dr7, %rax", PVP_X86_SENS_PRIVILEGED },
        { "rdmsr", PVP_X86_SENS_PRIVILEGED },
        { "mov %rdi, %rax", 0 }, { "syscall", 0 }, { "cpuid", 0 }, { "rdtsc", 0 },
        { "pushq %rax", 0 },     { "nop", 0 },     { "call *(%rax)", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char src[128];
        snprintf(src, sizeof src, ".text\n%s\n", cases[i].insn);
        x86_blob b;
        x86_assemble(src, &b);
        unsigned cls = pvp_x86_sensitive_class(b.bytes, b.size);
        cr_assert_eq(cls, cases[i].cls, "%s: class %u (%s), not %u", cases[i].insn, cls,
                     pvp_x86_sensitive_name(cls), cases[i].cls);
        x86_blob_free(&b);
    }
    cr_assert_str_eq(pvp_x86_sensitive_name(PVP_X86_SENS_IF), "interrupt flag");
    cr_assert_eq(pvp_x86_sensitive_class((const uint8_t *)"\x06", 1), 0, "undecodable: none");
}
