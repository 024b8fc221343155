/* Recursion: Fibonacci, Ackermann, the towers of Hanoi, eight queens, permutations, and a
 * mutually recursive expression parser. */
#include "../runtime/rt.h"

static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static unsigned ack(unsigned m, unsigned n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static unsigned long hanoi(int n, int from, int to, int via, unsigned long *checksum) {
    if (n == 0) return 0;
    unsigned long moves = hanoi(n - 1, from, via, to, checksum);
    *checksum = *checksum * 31 + (unsigned long)(from * 3 + to);
    return moves + 1 + hanoi(n - 1, via, to, from, checksum);
}

static int queens(int row, int n, unsigned cols, unsigned d1, unsigned d2) {
    if (row == n) return 1;
    int count = 0;
    for (int c = 0; c < n; c++) {
        if (cols & (1u << c) || d1 & (1u << (row + c)) || d2 & (1u << (row - c + n))) continue;
        count += queens(row + 1, n, cols | 1u << c, d1 | 1u << (row + c), d2 | 1u << (row - c + n));
    }
    return count;
}

static int perms;
static void permute(char *s, int k, int n) {
    if (k == n) {
        if (perms++ % 20 == 0) printf_("%s ", s);
        return;
    }
    for (int i = k; i < n; i++) {
        char t = s[k]; s[k] = s[i]; s[i] = t;
        permute(s, k + 1, n);
        t = s[k]; s[k] = s[i]; s[i] = t;
    }
}

static const char *src;
static long expr(void);
static long factor(void) {
    if (*src == '(') {
        src++;
        long v = expr();
        src++;
        return v;
    }
    if (*src == '-') {
        src++;
        return -factor();
    }
    long v = 0;
    while (*src >= '0' && *src <= '9') v = v * 10 + (*src++ - '0');
    return v;
}
static long term(void) {
    long v = factor();
    while (*src == '*' || *src == '/') {
        char op = *src++;
        long w = factor();
        v = op == '*' ? v * w : (w ? v / w : 0);
    }
    return v;
}
static long expr(void) {
    long v = term();
    while (*src == '+' || *src == '-') {
        char op = *src++;
        long w = term();
        v = op == '+' ? v + w : v - w;
    }
    return v;
}

int main(void) {
    for (unsigned i = 0; i <= 24; i += 4) printf_("fib(%u) = %u\n", i, fib(i));
    printf_("ack(2,3) = %u ack(3,4) = %u\n", ack(2, 3), ack(3, 4));
    unsigned long sum = 0;
    printf_("hanoi(12) = %lu moves, checksum %lx\n", hanoi(12, 0, 2, 1, &sum), sum);
    for (int n = 4; n <= 8; n++) printf_("queens(%d) = %d\n", n, queens(0, n, 0, 0, 0));
    char s[] = "abcde";
    permute(s, 0, 5);
    printf_("\npermutations %d\n", perms);
    const char *exprs[] = {"1+2*3", "(1+2)*3", "-(4*(5-7))/3+100", "2*2*2*2*2*2*2*2*2*2-1000"};
    for (int i = 0; i < 4; i++) {
        src = exprs[i];
        printf_("%s = %ld\n", exprs[i], expr());
    }
    return 0;
}
