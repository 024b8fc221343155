/* Bit manipulation: population count, leading and trailing zeros, leading sign bits, byte swaps,
 * bit reversal and parity, by builtins and by hand. */
#include "../runtime/rt.h"

static unsigned popcount_by_hand(uint64_t v) {
    unsigned n = 0;
    while (v) v &= v - 1, n++;
    return n;
}

static uint32_t reverse_bits(uint32_t v) {
    uint32_t r = 0;
    for (int i = 0; i < 32; i++) r = r << 1 | ((v >> i) & 1);
    return r;
}

int main(void) {
    uint64_t v = 0x0123456789abcdefull;
    for (int i = 0; i < 12; i++) {
        int64_t s = (int64_t)v >> (i * 5);
        printf_("%lx pop %d/%u clz %d ctz %d clrsb %d bswap %lx rev %x par %d\n", v, __builtin_popcountll(v),
                popcount_by_hand(v), __builtin_clzll(v), __builtin_ctzll(v), __builtin_clrsbll(s),
                __builtin_bswap64(v), reverse_bits((uint32_t)v), __builtin_parityll(v));
        printf_("  32: clz %d ctz %d clrsb %d bswap %x bswap16 %x\n", __builtin_clz((uint32_t)v | 1),
                __builtin_ctz((uint32_t)v | 0x80000000u), __builtin_clrsb((int32_t)s), __builtin_bswap32((uint32_t)v),
                __builtin_bswap16((uint16_t)v));
        v = v * 0x9e3779b97f4a7c15ull + 0x7f4a7c15;
    }
    return 0;
}
