/* The corpus's tiny runtime: output and the few library functions gcc may call. Each platform
 * (guest.c for the emulated vCPU, linux.c for qemu-aarch64) provides putchar_ and exit_. */
#ifndef RT_H
#define RT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void putchar_(int c);
void exit_(int code) __attribute__((noreturn));

void print_s(const char *s);
void print_u(uint64_t v);
void print_d(int64_t v);
void print_x(uint64_t v);
void print_nl(void);
/* %d %u %x %ld %lu %lx %lld %llu %llx %s %c %%, with optional width and '0' padding. */
int printf_(const char *fmt, ...);
int vprintf_(const char *fmt, va_list ap);

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#endif
