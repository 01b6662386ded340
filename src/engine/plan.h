/* Internal: the transaction every engine pass uses. */
#ifndef PVP_ENGINE_PLAN_H
#define PVP_ENGINE_PLAN_H

/* One deterministic pass over the image; writes only when commit is 1. */
typedef int (*pvp_walk_fn)(void *ctx, int commit);

/* Run walk as a plan (it checks everything and writes nothing), then, if the
 * plan passed, as the commit. The commit walks the same path the plan
 * checked, so it cannot fail halfway: an error leaves the image untouched. */
int pvp_plan_commit(pvp_walk_fn walk, void *ctx);

#endif
