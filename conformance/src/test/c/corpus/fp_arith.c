/* Floating point: double and float arithmetic, conversions both ways, comparisons, and a few
 * series (square roots by Newton's method, e and pi), printed as bits and as scaled integers. */
#include "../runtime/rt.h"

static uint64_t bits(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double newton_sqrt(double x) {
    double r = x > 1 ? x / 2 : 1;
    for (int i = 0; i < 30; i++) r = 0.5 * (r + x / r);
    return r;
}

int main(void) {
    double e = 1, term = 1;
    for (int i = 1; i < 20; i++) e += term /= i;
    double pi = 0;
    for (int k = 0; k < 1000; k++) pi += (k % 2 ? -4.0 : 4.0) / (2 * k + 1);
    printf_("e %lx %ld\n", bits(e), (long)(e * 1e15));
    printf_("pi %lx %ld\n", bits(pi), (long)(pi * 1e12));
    for (int i = 2; i < 40; i += 7) {
        double r = newton_sqrt(i);
        float f = (float)r;
        printf_("sqrt(%d) %lx %ld float %ld %d\n", i, bits(r), (long)(r * 1e9), (long)(f * 1e6f), r * r > i);
    }
    double values[] = {0.0, -0.0, 1.5, -2.75, 1e300, -1e-300, 123456789.987654321};
    for (int i = 0; i < 7; i++) {
        double v = values[i];
        printf_("%lx -> %ld %lu %d %x\n", bits(v * 3 - 1), (long)v, (unsigned long)(v < 0 ? -v : v), (int)(float)v,
                (unsigned)(v > 0) | (unsigned)(v == 0) << 1 | (unsigned)(v < 1) << 2);
    }
    return 0;
}
