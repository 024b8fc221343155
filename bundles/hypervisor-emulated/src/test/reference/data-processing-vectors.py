#!/usr/bin/env python3
"""Regenerates ../resources/.../cpu/data-processing-vectors.txt: random A64 data-processing
instructions (immediate and register groups, ADR/ADRP aside) on random operands, run under
qemu-aarch64 -cpu cortex-a53 (ARMv8.0 with CRC32, the reference) through harness.c.

Each line: the instruction word, the inputs x0..x7, SP and NZCV (x8..x30 hold r * 0x0123456789abcdef,
x20 holds 0x1000000000), a colon, then either U (UNDEFINED) or the outputs: NZCV, SP and each
register that changed as xN=value. All values hex. Needs aarch64-linux-gnu-gcc and qemu-aarch64. Usage: data-processing-vectors.py [seed] [count]
"""
import os
import random
import subprocess
import sys
import tempfile

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
rng = random.Random(seed)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "../resources/org/gunyah/vmm/hypervisor/emulated/cpu/data-processing-vectors.txt")
M64 = (1 << 64) - 1


def value():
    k = rng.randrange(10)
    if k == 0:
        return rng.choice([0, 1, M64, 1 << 63, (1 << 63) - 1, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0x100000000])
    if k == 1:
        return rng.randrange(256)
    if k == 2:
        return (-rng.randrange(1, 256)) & M64
    if k == 3:
        return rng.getrandbits(32)
    if k == 4:
        return (rng.getrandbits(32) | 0xFFFFFFFF00000000)
    return rng.getrandbits(64)


def reg():
    return rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 31])


def f(v, lo):
    return v << lo


def regs3(w):
    return w | reg() | f(reg(), 5) | f(reg(), 16)


def template():
    sf = rng.getrandbits(1) << 31
    top = rng.getrandbits(3) << 29  # sf, op, S (or opc) as random
    k = rng.randrange(19)
    if k == 0:  # add/sub immediate
        return top | 0x11000000 | f(rng.getrandbits(1), 22) | f(rng.getrandbits(12), 10) | reg() | f(reg(), 5)
    if k == 1:  # logical immediate
        n = rng.getrandbits(1) if rng.randrange(4) == 0 else (1 if sf else 0)
        return top | 0x12000000 | f(n, 22) | f(rng.getrandbits(12), 10) | reg() | f(reg(), 5)
    if k == 2:  # move wide
        return top | 0x12800000 | f(rng.getrandbits(18), 5) | reg()
    if k in (3, 4):  # bitfield
        width = 64 if sf else 32
        n = (1 if sf else 0) if rng.randrange(8) else rng.getrandbits(1)
        immr = rng.randrange(width if rng.randrange(8) else 64)
        imms = rng.randrange(width if rng.randrange(8) else 64)
        return top | 0x13000000 | f(n, 22) | f(immr, 16) | f(imms, 10) | reg() | f(reg(), 5)
    if k == 5:  # extract
        width = 64 if sf else 32
        n = (1 if sf else 0) if rng.randrange(8) else rng.getrandbits(1)
        w = sf | 0x13800000 | f(n, 22) | f(rng.randrange(width if rng.randrange(8) else 64), 10)
        if rng.randrange(8) == 0:
            w |= rng.getrandbits(3) << 29 | rng.getrandbits(1) << 21
        return regs3(w)
    if k == 6:  # add/sub with tags (MTE): UNDEFINED in v8.0
        return top | 0x11800000 | f(rng.getrandbits(17), 5) | reg()
    if k == 7:  # logical shifted register
        return regs3(top | 0x0A000000 | f(rng.getrandbits(3), 21) | f(rng.randrange(64 if sf else 32), 10))
    if k == 8:  # add/sub shifted register
        return regs3(top | 0x0B000000 | f(rng.randrange(4), 22) | f(rng.randrange(64 if sf else 32), 10))
    if k == 9:  # add/sub extended register
        opt = 0 if rng.randrange(8) else rng.randrange(4)
        return regs3(top | 0x0B200000 | f(opt, 22) | f(rng.getrandbits(3), 13) | f(rng.randrange(5 if rng.randrange(8) else 8), 10))
    if k == 10:  # add/sub with carry (and, rarely, the v8.4 flag manipulation space)
        op3 = 0 if rng.randrange(8) else rng.getrandbits(6)
        return regs3(top | 0x1A000000 | f(op3, 10))
    if k == 11:  # conditional compare register / immediate
        w = top | 0x1A400000 | f(rng.getrandbits(4), 12) | f(rng.getrandbits(1), 11) | f(reg(), 5) | rng.getrandbits(4)
        w |= f(reg(), 16)
        if rng.randrange(8) == 0:
            w |= f(rng.getrandbits(1), 10) | f(rng.getrandbits(1), 4)
        return w
    if k == 12:  # conditional select
        return regs3(top | 0x1A800000 | f(rng.getrandbits(4), 12) | f(rng.getrandbits(2), 10))
    if k in (13, 14):  # 2-source (bit 30 clear)
        opcode = rng.choice([2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23]) if rng.randrange(8) else rng.getrandbits(6)
        return regs3((top & ~(1 << 30)) | 0x1AC00000 | f(opcode, 10))
    if k == 15:  # 1-source (bit 30 set)
        opcode = rng.randrange(6) if rng.randrange(8) else rng.getrandbits(6)
        opcode2 = 0 if rng.randrange(8) else rng.getrandbits(5)
        return (top | (1 << 30)) | 0x1AC00000 | f(opcode2, 16) | f(opcode, 10) | reg() | f(reg(), 5)
    if k in (16, 17):  # 3-source
        op54 = 0 if rng.randrange(8) else rng.getrandbits(2)
        op31 = rng.choice([0, 1, 2, 5, 6]) if rng.randrange(8) else rng.getrandbits(3)
        return regs3(sf | f(op54, 29) | 0x1B000000 | f(op31, 21) | f(rng.getrandbits(1), 15) | f(reg(), 10))
    # anything in the two groups
    w = rng.getrandbits(32)
    if rng.getrandbits(1):
        w = (w & ~(0b111 << 26)) | (0b100 << 26)
    else:
        w = (w & ~(0b111 << 25)) | (0b101 << 25)
    return w


def word():
    while True:
        w = template()
        if (w >> 24) & 0x1F == 0b10000:
            continue  # ADR/ADRP: PC-relative, covered elsewhere
        if (w & 0x1F) in (19, 20):
            continue  # the harness's registers (x20 is the base, stays constant as an input)
        return w


words = [word() for _ in range(count)]
inputs = [[value() for _ in range(8)] + [value() & ~0xF if rng.randrange(2) else value(), rng.getrandbits(4) << 28]
          for _ in range(count)]

save = [f"str x{r}, [x16, #{640 + 8 * (r - 19)}]" for r in range(19, 31)] + ["mov x17, sp", "str x17, [x16, #736]"]
load = ["mov x20, x16", "ldr x0, [x20, #248]", "mov sp, x0", "ldr x0, [x20, #256]", "msr nzcv, x0"]
load += [f"ldp x{r}, x{r + 1}, [x20, #{8 * r}]" for r in range(0, 20, 2)]  # x20 reloads itself
load += [f"ldp x{r}, x{r + 1}, [x20, #{8 * r}]" for r in range(21, 29, 2)]
load += ["ldp x29, x30, [x20, #232]"]
store = [f"stp x{r}, x{r + 1}, [x20, #{264 + 8 * r}]" for r in range(0, 30, 2)]
store += ["str x30, [x20, #504]", "mov x0, sp", "str x0, [x20, #512]", "mrs x0, nzcv", "str x0, [x20, #520]"]
restore = ["mov x16, x20", "ldr x17, [x16, #736]", "mov sp, x17"]
restore += [f"ldr x{r}, [x16, #{640 + 8 * (r - 19)}]" for r in range(19, 31)] + ["ret"]

with tempfile.TemporaryDirectory() as tmp:
    s = [".text"]
    for i, w in enumerate(words):
        s += [f"c{i}:", "movz x16, #0x10, lsl #32"] + save + load + [f".word 0x{w:08x}"] + store + restore
    s += [".section .rodata", ".balign 8", ".globl cases", "cases:"] + [f".quad c{i}" for i in range(count)]
    s += [".globl words", "words:"] + [f".word 0x{w:08x}" for w in words]
    s += [".balign 8", ".globl inputs", "inputs:"] + [".quad " + ", ".join(hex(v) for v in row) for row in inputs]
    s += [".globl ncases", "ncases:", f".word {count}"]
    with open(os.path.join(tmp, "cases.S"), "w") as out:
        out.write("\n".join(s) + "\n")
    exe = os.path.join(tmp, "harness")
    subprocess.run(["aarch64-linux-gnu-gcc", "-static", "-O1", "-o", exe, os.path.join(HERE, "harness.c"),
                    os.path.join(tmp, "cases.S")], check=True)
    result = subprocess.run(["qemu-aarch64", "-cpu", "cortex-a53", exe], check=True, capture_output=True, text=True)

lines = result.stdout.splitlines()
assert len(lines) == count, (len(lines), count)


def full(row):
    regs = [row[r] if r < 8 else (0x0123456789ABCDEF * r) & M64 for r in range(31)]
    regs[20] = 0x1000000000
    return regs + [row[8], row[9]]


with open(OUT, "w") as out:
    out.write(f"# qemu-aarch64 -cpu cortex-a53, data-processing-vectors.py {seed} {count}\n")
    for line, row in zip(lines, inputs):
        w, rest = line.split(" ", 1)
        head = w + " " + " ".join(f"{v:x}" for v in row[:9]) + f" {row[9] >> 28:x} :"
        if rest == "U":
            out.write(head + " U\n")
            continue
        after = [int(v, 16) for v in rest.split()]
        before = full(row)
        changed = [f"x{r}={after[r]:x}" for r in range(31) if after[r] != before[r]]
        out.write(head + " " + " ".join([f"{after[32] >> 28:x}", f"{after[31]:x}"] + changed) + "\n")
