package org.gunyah.vmm.hypervisor.emulated.cpu;

/**
 * A {@link Machine} whose program turns stage-1 translation on before its body: 39-bit VAs in both
 * halves, 4 KiB granule, MAIR Attr0 Normal write-back and Attr1 Device. Its 64 KiB of RAM: code
 * (the program, its literal pools and a vector table) in pages 0-3, identity-mapped read-only and
 * executable at EL0 and EL1; data pages 4-9 for the tests to map; translation tables in pages
 * 10-15, identity-mapped read-write at EL1 so that a handler can edit them. Every vector records
 * its offset in x20 and stops with HVC, but the one of synchronous exceptions from EL1, which runs
 * {@code handler} when the test gives one.
 */
final class MmuMachine {
    static final long BASE = Machine.BASE;
    static final long ROOT0 = BASE + 0xf000;
    static final long ROOT1 = BASE + 0xe000;
    static final long DATA = BASE + 0x4000;
    static final long TCR = 25 | 25L << 16 | 2L << 30 | 4L << 32; // T0SZ, T1SZ = 25, TG1 4K, IPS 44 bits
    static final long MAIR = 0x04ff;

    // Descriptor bits of a leaf
    static final long AF = 1L << 10;
    static final long NORMAL = AF | 3L << 8; // Attr0, inner shareable, access flag set
    static final long EL0 = 1L << 6; // AP[1]
    static final long RO = 1L << 7; // AP[2]
    static final long NG = 1L << 11;
    static final long PXN = 1L << 53;
    static final long UXN = 1L << 54;

    final Machine machine;
    private long nextTable = BASE + 0xe000;

    MmuMachine(String body) {
        this(body, "", null, 0);
    }

    /** {@code tcrExtra} is ORed into TCR_EL1 (TBI0, AS, A1, ...). */
    MmuMachine(String body, String el0Code, String handler, long tcrExtra) {
        StringBuilder vectors = new StringBuilder("        .balign 2048\nvectors:\n");
        for (int offset = 0; offset < 0x800; offset += 0x80) {
            vectors.append("        .balign 128\n");
            if (offset == 0x200 && handler != null) {
                vectors.append("        b handler\n");
            } else {
                vectors.append("        mov x20, #").append(offset).append("\n        hvc #0\n");
            }
        }
        String source = """
                    ldr x0, =vectors
                    msr vbar_el1, x0
                    ldr x0, =%d
                    msr s3_0_c10_c2_0, x0
                    ldr x0, =%d
                    msr s3_0_c2_c0_2, x0
                    ldr x0, =%d
                    msr s3_0_c2_c0_0, x0
                    ldr x0, =%d
                    msr s3_0_c2_c0_1, x0
                    mrs x0, sctlr_el1
                    orr x0, x0, #1
                    msr sctlr_el1, x0
                    isb
            """.formatted(MAIR, TCR | tcrExtra, ROOT0, ROOT1)
                + body
                + "        hvc #0\n        .ltorg\nel0:\n"
                + el0Code
                + "        hvc #0\n        .ltorg\nhandler:\n"
                + (handler == null ? "" : handler)
                + "        hvc #0\n        .ltorg\n"
                + vectors;
        machine = new Machine(source);
        for (long page = BASE; page < BASE + 0x4000; page += 0x1000) {
            map(ROOT0, page, page, NORMAL | RO | EL0);
        }
        for (long page = BASE + 0xa000; page < BASE + 0x10000; page += 0x1000) {
            map(ROOT0, page, page, NORMAL | UXN | PXN);
        }
    }

    A64Cpu cpu() {
        return machine.cpu(0);
    }

    long symbol(String name) {
        return machine.symbol(name);
    }

    long read(long pa) {
        return machine.load64(pa);
    }

    void write(long pa, long value) {
        machine.ram.set(GuestMemory.U64, pa - BASE, value);
    }

    /** Maps the 4 KiB page {@code va} to {@code pa} from {@code root}; returns the descriptor's address. */
    long map(long root, long va, long pa, long attributes) {
        long entry = tableEntry(root, va, 3);
        write(entry, pa | attributes | 0b11);
        return entry;
    }

    /** Maps the 2 MiB block {@code va} to {@code pa}. */
    long mapBlock(long root, long va, long pa, long attributes) {
        long entry = tableEntry(root, va, 2);
        write(entry, pa | attributes | 0b01);
        return entry;
    }

    /** The address of the level-{@code level} entry for {@code va}, making the tables on the way. */
    long tableEntry(long root, long va, int level) {
        long table = root;
        for (int l = 1; ; l++) {
            long entry = table + ((va >>> (12 + 9 * (3 - l))) & 0x1ff) * 8;
            if (l == level) {
                return entry;
            }
            long d = read(entry);
            if ((d & 1) == 0) {
                nextTable -= 0x1000;
                if (nextTable < BASE + 0xa000) {
                    throw new IllegalStateException("out of table pages");
                }
                d = nextTable | 0b11;
                write(entry, d);
            }
            table = d & 0x0000_ffff_ffff_f000L;
        }
    }

    /** Runs vCPU {@code cpu} to its next exit that is not the budget. */
    static Exit run(A64Cpu cpu) {
        return cpu.run(1_000_000);
    }
}
