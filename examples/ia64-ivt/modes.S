/* modes.S: what one mode gives the patcher, through pvpatch/ia64/emit.h:
 * its B stubs (resident, .text.pvpatch.stubs), its ops table, its templates
 * of forms A, B and C (.pvpatch.text, freed after boot) and its mode record.
 * Built three times: -DEMIT_NATIVE (which also defines pv_cpu_asm_ops, the
 * table C-form sites call through: the image starts native), -DEMIT_XEN,
 * -DEMIT_COUNTING (which also defines the counters, pvp_op_counts). */
#if defined(EMIT_NATIVE)
#define PVP_EMIT_MODE native
#define PVP_EMIT_LIVE
#include "pvpatch/ia64/modes/native.h"
#elif defined(EMIT_XEN)
#define PVP_EMIT_MODE xen
#include "pvpatch/ia64/modes/xen.h"
#elif defined(EMIT_COUNTING)
#define PVP_EMIT_MODE counting
#include "pvpatch/ia64/modes/counting.h"
#else
#error "define EMIT_NATIVE, EMIT_XEN or EMIT_COUNTING"
#endif
#include "pvpatch/ia64/emit.h"
