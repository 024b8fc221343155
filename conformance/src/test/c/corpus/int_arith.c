/* Integer arithmetic of every width: products, quotients and remainders (by variables and by
 * constants, which gcc turns into multiply-high sequences), shifts, and overflow wrapping. */
#include "../runtime/rt.h"

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(void) {
    uint64_t acc = 0;
    for (int i = 0; i < 200; i++) {
        uint64_t a = next(), b = next() | 1;
        uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
        int32_t s32 = (int32_t)a, t32 = (int32_t)b;
        int64_t s64 = (int64_t)a, t64 = (int64_t)b;
        acc += a * b;
        acc ^= a / b + a % b;
        acc += a32 / b32 + a32 % b32;
        acc += (uint64_t)(s32 / t32) + (uint64_t)(s32 % t32);
        acc += (uint64_t)(s64 / t64) ^ (uint64_t)(s64 % t64);
        acc += a32 / 10 + a32 % 10 + a32 / 7 + (uint32_t)(s32 / 3);
        acc += a / 1000 + (uint64_t)(s64 / 13);
        acc += (uint64_t)((int64_t)s32 * t32) + (uint64_t)a32 * b32;
        acc += (a >> (i & 63)) + (a << (i & 63)) + (uint64_t)(s64 >> (i & 63));
        acc += (uint16_t)(a * 3) + (int8_t)(b >> 3);
        if (i % 40 == 0) printf_("i=%d acc=%lx\n", i, acc);
    }
    printf_("final %lx %lu %ld\n", acc, acc, (int64_t)acc);
    printf_("%d %d %d %d\n", -7 / 2, -7 % 2, 7 / -2, 7 % -2);
    printf_("%u %x\n", 0xffffffffu * 0xffffffffu, 0x80000000u >> 31);
    return 0;
}
