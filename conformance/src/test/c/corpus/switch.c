/* Jump tables: a bytecode interpreter on a dense switch (gcc compiles it to a table and an
 * indirect branch), and a sparse switch. */
#include "../runtime/rt.h"

enum { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, PRINT, HALT, OVER, DROP, NEG, SHL, XOR, AND };

static long run(const int *code) {
    long stack[32];
    int sp = 0, pc = 0;
    long steps = 0;
    for (;;) {
        steps++;
        switch (code[pc++]) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case SWAP: { long t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case JNZ: { int target = code[pc++]; if (stack[--sp]) pc = target; break; }
        case DEC: stack[sp - 1]--; break;
        case PRINT: printf_("%ld\n", stack[sp - 1]); break;
        case HALT: return steps;
        case OVER: stack[sp] = stack[sp - 2]; sp++; break;
        case DROP: sp--; break;
        case NEG: stack[sp - 1] = -stack[sp - 1]; break;
        case SHL: sp--; stack[sp - 1] <<= stack[sp]; break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        default: printf_("bad opcode\n"); return -1;
        }
    }
}

static const char *sparse(int v) {
    switch (v) {
    case 1: return "one";
    case 10: return "ten";
    case 100: return "hundred";
    case 1000: return "thousand";
    case -5: return "minus five";
    case 77777: return "sevens";
    default: return "other";
    }
}

int main(void) {
    /* acc = 1; n = 15; do { acc *= n; print acc; } while (--n) */
    static const int factorial[] = {PUSH, 1, PUSH, 15, SWAP, OVER, MUL, PRINT, SWAP, DEC, DUP, JNZ, 4, DROP,
                                    PUSH, 3, SHL, PRINT, PUSH, 0x5555, XOR, PUSH, 0xffff, AND, NEG, PRINT, HALT};
    printf_("steps %ld\n", run(factorial));
    int values[] = {1, 2, 10, 100, 1000, -5, 77777, 0};
    for (int i = 0; i < 8; i++) printf_("%d %s\n", values[i], sparse(values[i]));
    return 0;
}
