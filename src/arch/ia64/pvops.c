/* Names of the IA-64 pv operations, from the one list in pvpatch/ia64/pvops.h. */
#include "pvpatch/ia64.h"
#include "pvpatch/ia64/pvops.h"

#define NAME(name, shape) #name,
static const char *const op_names[] = { "?", PVP_IA64_OPS(NAME) };

const char *pvp_ia64_op_name(unsigned op)
{
    return op < sizeof op_names / sizeof op_names[0] ? op_names[op] : "?";
}
