/* 128-bit arithmetic: carries (ADDS/ADC), borrows (SUBS/SBC), widening products (UMULH/MUL),
 * and libgcc's 128-bit division. */
#include "../runtime/rt.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

static void print128(u128 v) {
    char buf[48];
    int n = 0;
    do {
        buf[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    while (n) putchar_(buf[--n]);
}

int main(void) {
    u128 f = 1;
    for (int i = 1; i <= 34; i++) {
        f *= (u128)i;
        if (i % 5 == 0 || i > 30) {
            printf_("%d! = ", i);
            print128(f);
            print_nl();
        }
    }
    u128 a = ((u128)0xfedcba9876543210ull << 64) | 0x0123456789abcdefull;
    u128 b = ((u128)0x1ull << 64) | 0xffffffffffffffffull;
    u128 s = a + b, d = a - b, p = a * b;
    printf_("sum %lx %lx\n", (uint64_t)(s >> 64), (uint64_t)s);
    printf_("diff %lx %lx\n", (uint64_t)(d >> 64), (uint64_t)d);
    printf_("prod %lx %lx\n", (uint64_t)(p >> 64), (uint64_t)p);
    printf_("quot %lx rem %lx\n", (uint64_t)(a / b), (uint64_t)(a % b));
    s128 n = -(s128)a;
    printf_("neg %lx %lx shr %lx\n", (uint64_t)((u128)n >> 64), (uint64_t)n, (uint64_t)((n >> 70)));
    u128 fib0 = 0, fib1 = 1;
    for (int i = 0; i < 180; i++) {
        u128 t = fib0 + fib1;
        fib0 = fib1;
        fib1 = t;
    }
    print_s("fib180 = ");
    print128(fib0);
    print_nl();
    return 0;
}
