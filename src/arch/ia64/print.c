/* Text of a decoded instruction, driven by the row's (or its alias's) syntax
 * string, in GNU objdump's spelling. */
#include "formats.h"

/* A bounded output buffer that counts what it would have needed. */
typedef struct sink {
    char *buf;
    size_t size, len;
} sink;

static void put_char(sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

/* n bytes of str, as far as they fit (no libc: the engine is freestanding). */
static void put_mem(sink *s, const char *str, size_t n)
{
    size_t room = s->len + 1 < s->size ? s->size - 1 - s->len : 0;
    size_t m = n < room ? n : room;
    for (size_t i = 0; i < m; i++)          /* m is 0 when only the length is asked for (buf NULL) */
        s->buf[s->len + i] = str[i];
    s->len += n;
}

/* The length of the run of str up to `stop` or its end. */
static size_t run_length(const char *str, char stop)
{
    size_t n = 0;
    while (str[n] && str[n] != stop)
        n++;
    return n;
}

static void put_str(sink *s, const char *str)
{
    put_mem(s, str, run_length(str, '\0'));
}

/* Numbers are written backwards into a small array, then copied; the
 * divisors are constants, so that printing does not divide (the
 * disassembler prints millions of numbers). */
static void put_decimal(sink *s, uint64_t v, unsigned min_digits)
{
    if (v < 100 && min_digits <= 2) {        /* register numbers, mostly: no loop */
        if (v >= 10 || min_digits == 2)
            put_char(s, (char)('0' + v / 10));
        put_char(s, (char)('0' + v % 10));
        return;
    }
    char tmp[24];
    unsigned i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v || sizeof tmp - i < min_digits);
    put_mem(s, tmp + i, sizeof tmp - i);
}

static void put_hex(sink *s, uint64_t v)
{
    char tmp[18];
    unsigned i = sizeof tmp;
    do {
        tmp[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    tmp[--i] = 'x';
    tmp[--i] = '0';
    put_mem(s, tmp + i, sizeof tmp - i);
}

static void put_signed(sink *s, uint64_t v)
{
    if (v >> 63) {
        put_char(s, '-');
        v = ~v + 1;
    }
    put_decimal(s, v, 1);
}

/* Names of control and application registers, by number. */
struct reg_name {
    uint8_t num;
    const char *name;
};

static const struct reg_name cr_names[] = {
    { 0, "dcr" }, { 1, "itm" }, { 2, "iva" }, { 8, "pta" }, { 16, "ipsr" }, { 17, "isr" },
    { 19, "iip" }, { 20, "ifa" }, { 21, "itir" }, { 22, "iipa" }, { 23, "ifs" }, { 24, "iim" },
    { 25, "iha" }, { 26, "iib0" }, { 27, "iib1" }, { 64, "lid" }, { 65, "ivr" }, { 66, "tpr" },
    { 67, "eoi" }, { 68, "irr0" }, { 69, "irr1" }, { 70, "irr2" }, { 71, "irr3" }, { 72, "itv" },
    { 73, "pmv" }, { 74, "cmcv" }, { 80, "lrr0" }, { 81, "lrr1" },
};

static const struct reg_name ar_names[] = {
    { 0, "k0" }, { 1, "k1" }, { 2, "k2" }, { 3, "k3" }, { 4, "k4" }, { 5, "k5" }, { 6, "k6" },
    { 7, "k7" }, { 16, "rsc" }, { 17, "bsp" }, { 18, "bspstore" }, { 19, "rnat" }, { 21, "fcr" },
    { 24, "eflag" }, { 25, "csd" }, { 26, "ssd" }, { 27, "cflg" }, { 28, "fsr" }, { 29, "fir" },
    { 30, "fdr" }, { 32, "ccv" }, { 36, "unat" }, { 40, "fpsr" }, { 44, "itc" }, { 45, "ruc" },
    { 64, "pfs" }, { 65, "lc" }, { 66, "ec" },
};

/* "cr.ifa", "ar.k0"; registers without a name print as "cr72", "ar12". */
static void put_reg_name(sink *s, const char *file, const struct reg_name *t, size_t n,
                         uint64_t num)
{
    put_str(s, file);
    for (size_t i = 0; i < n; i++)
        if (t[i].num == num) {
            put_char(s, '.');
            put_str(s, t[i].name);
            return;
        }
    put_decimal(s, num, 1);
}

static void put_operand(sink *s, const pvp_ia64_field *f, uint64_t v, uint64_t ip)
{
    if (pvp_ia64_kind_is_completer(f->kind)) {
        const char *name = pvp_ia64_kind_name(f->kind, v);
        if (name)
            put_str(s, name);
        else
            put_hex(s, v);      /* a kind that prints unnamed values as numbers */
        return;
    }
    switch (f->kind) {
    case PVP_IA64_K_GR: put_char(s, 'r'); put_decimal(s, v, 1); break;
    case PVP_IA64_K_FR: put_char(s, 'f'); put_decimal(s, v, 1); break;
    case PVP_IA64_K_BR: put_char(s, 'b'); put_decimal(s, v, 1); break;
    case PVP_IA64_K_PR: put_char(s, 'p'); put_decimal(s, v, 1); break;
    case PVP_IA64_K_CR:
        put_reg_name(s, "cr", cr_names, sizeof(cr_names) / sizeof(cr_names[0]), v);
        break;
    case PVP_IA64_K_AR:
        put_reg_name(s, "ar", ar_names, sizeof(ar_names) / sizeof(ar_names[0]), v);
        break;
    case PVP_IA64_K_SIMM: put_signed(s, v); break;
    case PVP_IA64_K_NUM: put_decimal(s, v, 1); break;
    case PVP_IA64_K_TARGET:
    case PVP_IA64_K_TAG: put_hex(s, ip + v); break;
    default: put_hex(s, v); break;
    }
}

/* The field with this tag (pvp_ia64_format_field, kept here where every
 * operand of a listing goes through it). */
static const pvp_ia64_field *field_of(const pvp_ia64_format *fmt, char tag)
{
    for (unsigned i = 0; i < fmt->nfields; i++)
        if (fmt->field[i].tag == tag)
            return &fmt->field[i];
    return NULL;
}

/* The text of a slot no row matches: its unit and bits. */
static void put_unknown(sink *s, const pvp_ia64_insn *in)
{
    put_str(s, "unknown.");
    put_char(s, (char)(pvp_ia64_unit_name(in->unit)[0] | 0x20));
    put_char(s, ' ');
    put_hex(s, in->bits);
}

/* The qualifying predicate as objdump writes it, "(p06) ", when not p0. */
static void put_predicate(sink *s, const pvp_ia64_insn *in)
{
    uint64_t qp = in->bits & PVP_IA64_QP_MASK;
    if (pvp_ia64_format_table[in->op->format].has_qp && qp) {
        put_str(s, "(p");
        put_decimal(s, qp, 2);
        put_str(s, ") ");
    }
}

size_t pvp_ia64_print(const pvp_ia64_insn *in, uint64_t ip, char *buf, size_t size)
{
    sink s = { buf, size, 0 };
    if (!in->op) {
        put_unknown(&s, in);
    } else {
        const pvp_ia64_opcode *alias = pvp_ia64_alias_of(in);
        const pvp_ia64_format *fmt = &pvp_ia64_format_table[in->op->format];
        put_predicate(&s, in);
        const char *p = alias ? alias->syntax : in->op->syntax;
        while (*p) {
            size_t run = run_length(p, '%');
            put_mem(&s, p, run);
            p += run;
            if (!*p)
                break;
            const pvp_ia64_field *f = p[1] ? field_of(fmt, p[1]) : NULL;
            if (f)
                put_operand(&s, f, pvp_ia64_field_value(f, in->bits, in->lbits), ip);
            else
                put_mem(&s, p, p[1] ? 2 : 1);
            p += p[1] ? 2 : 1;
        }
    }
    if (size)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return s.len;
}
