/* The state a test case starts from and ends with; the layout harness-stubs.S uses. */
#ifndef HARNESS_H
#define HARNESS_H
#include <stdint.h>

#define CODE_BASE 0x01000000ul /* the instruction sequence, then a branch to save_state */
#define MEM_BASE 0x10000000ul  /* the memory block base registers point into */
#define MEM_SIZE 4096ul
#define MAX_INSNS 1024

struct state {
    uint64_t x[31]; /*   0 */
    uint64_t sp;    /* 248 */
    uint64_t nzcv;  /* 256 */
    uint64_t fpsr;  /* 264 */
    uint64_t fpcr;  /* 272 */
    uint64_t pad;   /* 280 */
    uint64_t v[64]; /* 288: V0-V31, low then high half */
};
#endif
