/* Plan, then commit: the same walk twice. */
#include "pvpatch/status.h"
#include "engine/plan.h"

int pvp_plan_commit(pvp_walk_fn walk, void *ctx)
{
    int rc = walk(ctx, 0);
    return rc ? rc : walk(ctx, 1);
}
