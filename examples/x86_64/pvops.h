/* The example's pv operations: ids (integer literals, as the mode emitter
 * writes them into assembler), and the count table of the counting mode. */
#ifndef PVEXAMPLE_PVOPS_H
#define PVEXAMPLE_PVOPS_H

#define EX_OP_MIX    1      /* (h ^ x) * 0x5bd1e995 */
#define EX_OP_ROTL   2      /* x rotated left by n % 64 */
#define EX_OP_SWAP   3      /* x with its bytes reversed */
#define EX_OP_CLAMP  4      /* the smaller of x and limit */
#define EX_OP_COUNT  5      /* ids are 1..4 */

/* How often the counting mode ran each operation, by id. */
extern unsigned long ex_counts[EX_OP_COUNT] __attribute__((visibility("hidden")));

#endif
