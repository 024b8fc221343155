/* Sorting pseudo-random arrays with insertion sort, quicksort, merge sort and heap sort, checked
 * against each other, with checksums of the results. */
#include "../runtime/rt.h"

#define N 600
static int32_t a[N], b[N], c[N], d[N], tmp[N];
static uint32_t seed = 12345;

static int32_t rnd(void) {
    seed = seed * 1103515245u + 12345u;
    return (int32_t)(seed >> 1) % 100000 - 50000;
}

static void insertion(int32_t *v, int n) {
    for (int i = 1; i < n; i++) {
        int32_t x = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > x) v[j + 1] = v[j], j--;
        v[j + 1] = x;
    }
}

static void quick(int32_t *v, int lo, int hi) {
    while (lo < hi) {
        int32_t p = v[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < p) i++;
            while (v[j] > p) j--;
            if (i <= j) {
                int32_t t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            quick(v, lo, j);
            lo = i;
        } else {
            quick(v, i, hi);
            hi = j;
        }
    }
}

static void merge(int32_t *v, int lo, int hi) {
    if (hi - lo < 2) return;
    int mid = (lo + hi) / 2;
    merge(v, lo, mid);
    merge(v, mid, hi);
    int i = lo, j = mid, k = lo;
    while (i < mid && j < hi) tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
    while (i < mid) tmp[k++] = v[i++];
    while (j < hi) tmp[k++] = v[j++];
    for (k = lo; k < hi; k++) v[k] = tmp[k];
}

static void sift(int32_t *v, int root, int n) {
    for (;;) {
        int child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && v[child + 1] > v[child]) child++;
        if (v[root] >= v[child]) return;
        int32_t t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static void heap(int32_t *v, int n) {
    for (int i = n / 2 - 1; i >= 0; i--) sift(v, i, n);
    for (int end = n - 1; end > 0; end--) {
        int32_t t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift(v, 0, end);
    }
}

static uint32_t checksum(const int32_t *v, int n) {
    uint32_t h = 2166136261u;
    for (int i = 0; i < n; i++) h = (h ^ (uint32_t)v[i]) * 16777619u;
    return h;
}

int main(void) {
    for (int i = 0; i < N; i++) a[i] = b[i] = c[i] = d[i] = rnd();
    printf_("before %x\n", checksum(a, N));
    insertion(a, N);
    quick(b, 0, N - 1);
    merge(c, 0, N);
    heap(d, N);
    printf_("insertion %x\nquick %x\nmerge %x\nheap %x\n", checksum(a, N), checksum(b, N), checksum(c, N),
            checksum(d, N));
    int same = 1;
    for (int i = 0; i < N; i++) same &= a[i] == b[i] && b[i] == c[i] && c[i] == d[i];
    printf_("agree %d min %d max %d median %d\n", same, a[0], a[N - 1], a[N / 2]);
    return 0;
}
