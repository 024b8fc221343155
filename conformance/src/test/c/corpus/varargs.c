/* Variadic functions: sums of ints and longs, mixed arguments beyond the eight in registers, and
 * a va_list passed along (va_copy). */
#include "../runtime/rt.h"

static long sum_ints(int n, ...) {
    va_list ap;
    va_start(ap, n);
    long s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, int);
    va_end(ap);
    return s;
}

static long weighted(int n, ...) {
    va_list ap, again;
    va_start(ap, n);
    va_copy(again, ap);
    long s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, long) * (i + 1);
    for (int i = 0; i < n; i++) s ^= va_arg(again, long);
    va_end(again);
    va_end(ap);
    return s;
}

static void report(const char *tag, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf_("[%s] ", tag);
    vprintf_(fmt, ap);
    va_end(ap);
}

int main(void) {
    printf_("%ld\n", sum_ints(3, 1, 2, 3));
    printf_("%ld\n", sum_ints(12, 1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12));
    printf_("%ld\n", weighted(10, 1L, 1L << 40, -3L, 4L, 5L, 6L, 7L, 8L, 9L, 0x7fffffffffffffffL));
    report("mix", "%d %u %x %lx %s %c %ld %05d|%8x|\n", -1, 4000000000u, 0xbeef, 0x123456789abcdefUL, "str", 'z',
           -1234567890123L, 42, 0xabc);
    report("many", "%d %d %d %d %d %d %d %d %d %d %d %d\n", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    return 0;
}
