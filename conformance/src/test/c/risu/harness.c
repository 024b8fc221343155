/* The reference side of RisuTest, run under qemu-aarch64: reads test cases from stdin, runs each
 * instruction sequence from its initial state and writes the final state to stdout.
 *
 * A batch: u32 count, u32 0; then count cases, each: u32 n, u32 0, u64 memory seed, struct state
 * (800 bytes), n instruction words. For each case it answers: u64 signal (0: the sequence ran to
 * its end), u64 pc of the fault, struct state, u32 k, u32 0, then k pairs (u64 offset, u64 word)
 * for the 8-byte words of the memory block that differ from their initial value. The block is
 * filled from the seed with xorshift64, as the Java side does. A batch ends with a flush. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "harness.h"

struct state state_in, state_out;
void run_case(void);
void save_state(void);

static sigjmp_buf recover;
static volatile uint64_t fault_signal, fault_pc;
static uint64_t saved_tpidr;

static void on_fault(int sig, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    (void)info;
    fault_signal = (uint64_t)sig;
    fault_pc = uc->uc_mcontext.pc;
    __asm__ volatile("msr tpidr_el0, %0; msr fpcr, xzr" : : "r"(saved_tpidr));
    siglongjmp(recover, 1);
}

static void read_fully(void *p, size_t n) {
    if (fread(p, 1, n, stdin) != n) exit(feof(stdin) ? 0 : 2);
}

static void fill(uint64_t *mem, uint64_t seed) {
    uint64_t x = seed | 1;
    for (size_t i = 0; i < MEM_SIZE / 8; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        mem[i] = x;
    }
}

int main(void) {
    uint32_t *code = mmap((void *)CODE_BASE, 4 * (MAX_INSNS + 1), PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    uint64_t *mem = mmap((void *)MEM_BASE, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                         -1, 0);
    if (code != (void *)CODE_BASE || mem != (void *)MEM_BASE) {
        fprintf(stderr, "harness: cannot map the code at %#lx and the memory at %#lx\n", CODE_BASE, MEM_BASE);
        return 1;
    }
    static char altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigaction(SIGILL, &sa, 0);
    sigaction(SIGSEGV, &sa, 0);
    sigaction(SIGBUS, &sa, 0);
    sigaction(SIGTRAP, &sa, 0);
    sigaction(SIGFPE, &sa, 0);
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(saved_tpidr));
    static uint64_t initial[MEM_SIZE / 8];
    static char out[1 << 20];
    setvbuf(stdout, out, _IOFBF, sizeof out);
    for (;;) {
        uint32_t header[2];
        read_fully(header, sizeof header);
        for (uint32_t c = 0; c < header[0]; c++) {
            uint32_t n[2];
            uint64_t seed;
            read_fully(n, sizeof n);
            read_fully(&seed, sizeof seed);
            read_fully(&state_in, sizeof state_in);
            if (n[0] > MAX_INSNS) return 3;
            read_fully(code, 4 * n[0]);
            uint32_t *end = code + n[0];
            *end = 0x14000000u | (uint32_t)((((uintptr_t)save_state - (uintptr_t)end) >> 2) & 0x3ffffff);
            __builtin___clear_cache((char *)code, (char *)(end + 1));
            fill(mem, seed);
            memcpy(initial, mem, MEM_SIZE);
            memset(&state_out, 0, sizeof state_out);
            fault_signal = 0;
            fault_pc = 0;
            if (sigsetjmp(recover, 1) == 0) run_case();
            uint64_t result[2] = {fault_signal, fault_pc};
            fwrite(result, sizeof result, 1, stdout);
            fwrite(&state_out, sizeof state_out, 1, stdout);
            uint32_t changed = 0;
            for (size_t i = 0; i < MEM_SIZE / 8; i++) changed += mem[i] != initial[i];
            uint32_t count[2] = {changed, 0};
            fwrite(count, sizeof count, 1, stdout);
            for (size_t i = 0; i < MEM_SIZE / 8; i++) {
                if (mem[i] != initial[i]) {
                    uint64_t pair[2] = {8 * i, mem[i]};
                    fwrite(pair, sizeof pair, 1, stdout);
                }
            }
        }
        fflush(stdout);
    }
}
