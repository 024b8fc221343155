/* Floating point in loops gcc vectorises at -O3: a float matrix product, a dot product and an
 * integer-to-float histogram. */
#include "../runtime/rt.h"

#define N 16
static float a[N][N], b[N][N], c[N][N];
static double x[256], y[256];

int main(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) a[i][j] = (float)(i + j) / 8, b[i][j] = (float)(i - j) * 0.25f;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            float s = 0;
            for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
    for (int i = 0; i < N; i += 5) printf_("c[%d] %d %d %d\n", i, (int)(c[i][0] * 1000), (int)(c[i][7] * 1000), (int)(c[i][N - 1] * 1000));
    for (int i = 0; i < 256; i++) x[i] = i * 0.5 - 30, y[i] = 1.0 / (i + 1);
    double dot = 0;
    for (int i = 0; i < 256; i++) dot += x[i] * y[i];
    printf_("dot %ld\n", (long)(dot * 1e9));
    return 0;
}
