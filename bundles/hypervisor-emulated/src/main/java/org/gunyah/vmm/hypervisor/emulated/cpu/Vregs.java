package org.gunyah.vmm.hypervisor.emulated.cpu;

/**
 * Lanes of the SIMD and floating-point registers: element {@code index} of {@code 8 << log2} bits
 * (log2 0..3: B, H, S, D) of V{@code reg}, and the scalar writes that zero the rest of the
 * register as the architecture says.
 */
final class Vregs {
    private Vregs() {}

    /** Element {@code index} of size {@code 8 << log2} bits, zero-extended. */
    static long elem(A64Cpu cpu, int reg, int index, int log2) {
        int bit = index << (3 + log2);
        long word = bit < 64 ? cpu.vlo[reg] : cpu.vhi[reg];
        return log2 == 3 ? word : (word >>> (bit & 63)) & Bits.ones(8 << log2);
    }

    /** Sets element {@code index} of size {@code 8 << log2} bits, leaving the other bits alone. */
    static void setElem(A64Cpu cpu, int reg, int index, int log2, long value) {
        int bit = index << (3 + log2);
        if (log2 == 3) {
            if (bit < 64) {
                cpu.vlo[reg] = value;
            } else {
                cpu.vhi[reg] = value;
            }
            return;
        }
        long mask = Bits.ones(8 << log2) << (bit & 63);
        long shifted = (value << (bit & 63)) & mask;
        if (bit < 64) {
            cpu.vlo[reg] = (cpu.vlo[reg] & ~mask) | shifted;
        } else {
            cpu.vhi[reg] = (cpu.vhi[reg] & ~mask) | shifted;
        }
    }

    /** Writes a scalar of {@code 8 << log2} bits (B, H, S, D), zeroing the rest of the register. */
    static void setScalar(A64Cpu cpu, int reg, int log2, long value) {
        cpu.vlo[reg] = log2 == 3 ? value : value & Bits.ones(8 << log2);
        cpu.vhi[reg] = 0;
    }

    /** Writes a vector result: the high half is zeroed unless {@code q}. */
    static void setVector(A64Cpu cpu, int reg, long lo, long hi, boolean q) {
        cpu.vlo[reg] = lo;
        cpu.vhi[reg] = q ? hi : 0;
    }

    /** Element {@code index} of {@code 8 << log2} bits out of a 128-bit value held as two halves. */
    static long lane(long lo, long hi, int index, int log2) {
        int bit = index << (3 + log2);
        long word = bit < 64 ? lo : hi;
        return log2 == 3 ? word : (word >>> (bit & 63)) & Bits.ones(8 << log2);
    }

    /** Sign-extends an element of {@code 8 << log2} bits. */
    static long signed(long value, int log2) {
        int shift = 64 - (8 << log2);
        return (value << shift) >> shift;
    }
}
