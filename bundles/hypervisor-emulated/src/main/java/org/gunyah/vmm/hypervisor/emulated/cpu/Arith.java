package org.gunyah.vmm.hypervisor.emulated.cpu;

/** AddWithCarry and the shifts shared by the data-processing groups. */
final class Arith {
    private Arith() {}

    /** a + b + carryIn on 32 or 64 bits, setting NZCV when {@code flags}. */
    static long add(A64Cpu cpu, long a, long b, boolean carryIn, boolean sf, boolean flags) {
        long cin = carryIn ? 1 : 0;
        if (sf) {
            long result = a + b + cin;
            if (flags) {
                cpu.n = result < 0;
                cpu.z = result == 0;
                cpu.c = Long.compareUnsigned(result, a) < 0 || (carryIn && result == a);
                cpu.v = ((a ^ result) & (b ^ result)) < 0;
            }
            return result;
        }
        long ua = a & Bits.W;
        long ub = b & Bits.W;
        long sum = ua + ub + cin;
        long result = sum & Bits.W;
        if (flags) {
            long ssum = (long) (int) a + (int) b + cin;
            cpu.n = (int) result < 0;
            cpu.z = result == 0;
            cpu.c = (sum >>> 32) != 0;
            cpu.v = ssum != (int) ssum;
        }
        return result;
    }

    static long sub(A64Cpu cpu, long a, long b, boolean sf, boolean flags) {
        return add(cpu, a, ~b, true, sf, flags);
    }

    /** LSL, LSR, ASR, ROR of a 32- or 64-bit value. */
    static long shift(long value, int type, int amount, boolean sf) {
        int width = sf ? 64 : 32;
        long v = sf ? value : value & Bits.W;
        amount %= width;
        return switch (type) {
            case 0 -> (v << amount) & Bits.ones(width);
            case 1 -> v >>> amount;
            case 2 -> sf ? v >> amount : ((long) (int) v >> amount) & Bits.W;
            default -> Bits.ror(v, amount, width);
        };
    }

    /** The extended-register operand: UXTB..SXTX then a left shift of 0..4. */
    static long extend(long value, int option, int shift) {
        long v = switch (option) {
            case 0 -> value & 0xff;
            case 1 -> value & 0xffff;
            case 2 -> value & Bits.W;
            case 4 -> (byte) value;
            case 5 -> (short) value;
            case 6 -> (int) value;
            default -> value;
        };
        return v << shift;
    }
}
