/* Compiled with -fno-builtin -fno-tree-loop-distribute-patterns -mgeneral-regs-only: these loops
 * must not turn into calls of themselves, nor into SIMD code. */
#include "rt.h"

void print_s(const char *s) {
    while (*s) putchar_(*s++);
}

void print_nl(void) { putchar_('\n'); }

static void put_unsigned(uint64_t v, unsigned base, int width, char pad) {
    char buf[24];
    int n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v != 0);
    for (int i = n; i < width; i++) putchar_(pad);
    while (n > 0) putchar_(buf[--n]);
}

void print_u(uint64_t v) { put_unsigned(v, 10, 0, ' '); }
void print_x(uint64_t v) { put_unsigned(v, 16, 0, ' '); }

void print_d(int64_t v) {
    if (v < 0) {
        putchar_('-');
        put_unsigned(-(uint64_t)v, 10, 0, ' ');
    } else {
        put_unsigned((uint64_t)v, 10, 0, ' ');
    }
}

int vprintf_(const char *fmt, va_list ap) {
    int count = 0;
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putchar_(*fmt);
            count++;
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 'd': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (v < 0) {
                putchar_('-');
                put_unsigned(-(uint64_t)v, 10, width > 0 ? width - 1 : 0, pad);
            } else {
                put_unsigned((uint64_t)v, 10, width, pad);
            }
            break;
        }
        case 'u':
            put_unsigned(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad);
            break;
        case 'x':
            put_unsigned(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad);
            break;
        case 's':
            print_s(va_arg(ap, const char *));
            break;
        case 'c':
            putchar_(va_arg(ap, int));
            break;
        default:
            putchar_('%');
            putchar_(*fmt);
        }
        count++;
    }
    return count;
}

int printf_(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf_(fmt, ap);
    va_end(ap);
    return n;
}

void *memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--) *d++ = *s++;
    } else {
        while (n--) d[n] = s[n];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}
