// Runs data-processing instructions under qemu-aarch64 (the reference) and prints what each did.
// Built and run by data-processing-vectors.py; see there.
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#define BASE 0x1000000000UL
// BASE layout (in 8-byte words): 0..30 x0..x30, 31 sp, 32 nzcv (inputs); 33..65 the same (outputs);
// 80..92 the caller's x19..x30, sp.

extern void (*const cases[])(void);
extern const uint32_t words[];
extern const uint64_t inputs[][10]; // x0..x7, sp, nzcv
extern const int ncases;

static volatile int undefined;

static void onSigill(int sig, siginfo_t *info, void *ctx) {
    ucontext_t *uc = ctx;
    undefined = 1;
    uc->uc_mcontext.pc += 4;
}

int main(void) {
    uint64_t *b = mmap((void *)BASE, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (b != (uint64_t *)BASE) return 1;
    stack_t ss = {.ss_sp = malloc(65536), .ss_size = 65536};
    sigaltstack(&ss, 0);
    struct sigaction sa = {.sa_sigaction = onSigill, .sa_flags = SA_SIGINFO | SA_ONSTACK};
    sigaction(SIGILL, &sa, 0);
    for (int i = 0; i < ncases; i++) {
        memset(b, 0, 80 * 8);
        for (int r = 0; r < 31; r++) b[r] = r < 8 ? inputs[i][r] : 0x0123456789abcdefUL * r;
        b[20] = BASE;
        b[31] = inputs[i][8];
        b[32] = inputs[i][9];
        undefined = 0;
        cases[i]();
        printf("%08x", words[i]);
        if (undefined) {
            printf(" U\n");
            continue;
        }
        for (int r = 0; r < 33; r++) printf(" %lx", b[33 + r]);
        printf("\n");
    }
    return 0;
}
