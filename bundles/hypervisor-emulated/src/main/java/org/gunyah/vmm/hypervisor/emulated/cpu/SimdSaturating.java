package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.math.BigInteger;

/**
 * The saturating integer arithmetic of Advanced SIMD, one lane at a time, as the Arm ARM's SatQ
 * defines it: an exact result clamped to the element's signed or unsigned range, setting FPSR.QC
 * when it had to be. The doubling multiplies (SQDMULH, SQRDMULH, SQDMULL and the accumulating
 * SQDMLAL/SQDMLSL), the saturating shifts by register and by immediate (SQSHL, UQSHL, SQRSHL,
 * UQRSHL, SQSHLU) and the saturating narrows by immediate compute here.
 */
final class SimdSaturating {
    private SimdSaturating() {}

    private static final BigInteger TWO64 = BigInteger.ONE.shiftLeft(64);

    /** {@code v} (exact, signed) clamped to {@code bits} bits, signed or unsigned; QC if clamped. */
    static long clamp(A64Cpu cpu, long v, int bits, boolean unsigned) {
        long min = unsigned ? 0 : bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
        long max = unsigned
                ? (bits >= 63 ? Long.MAX_VALUE : (1L << bits) - 1)
                : bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        if (v < min || v > max) {
            cpu.fpsr |= FpControl.QC;
            return v < min ? min : max;
        }
        return v;
    }

    /** {@code v} (exact) clamped to 64 bits, signed or unsigned; QC if clamped. */
    static long clamp64(A64Cpu cpu, BigInteger v, boolean unsigned) {
        BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.valueOf(Long.MIN_VALUE);
        BigInteger max = unsigned ? TWO64.subtract(BigInteger.ONE) : BigInteger.valueOf(Long.MAX_VALUE);
        if (v.compareTo(min) < 0) {
            cpu.fpsr |= FpControl.QC;
            return min.longValue();
        }
        if (v.compareTo(max) > 0) {
            cpu.fpsr |= FpControl.QC;
            return max.longValue();
        }
        return v.longValue();
    }

    private static BigInteger big(long v, boolean unsigned) {
        BigInteger b = BigInteger.valueOf(v);
        return unsigned && v < 0 ? b.add(TWO64) : b;
    }

    /**
     * SQDMULH ({@code round} false) and SQRDMULH: the high half of 2 * a * b (plus the rounding
     * half), a and b signed elements of 16 or 32 bits, saturated (only -2^(n-1) squared can).
     */
    static long doublingMultiplyHigh(A64Cpu cpu, long a, long b, int size, boolean round) {
        int bits = 8 << size;
        long p = Vregs.signed(a, size) * Vregs.signed(b, size); // |p| <= 2^62: no overflow
        long r = (p + (round ? 1L << (bits - 2) : 0)) >> (bits - 1);
        return clamp(cpu, r, bits, false);
    }

    /** SQDMULL: 2 * a * b of 16- or 32-bit signed elements, saturated to twice their width. */
    static long doublingMultiplyLong(A64Cpu cpu, long a, long b, int size) {
        long p = Vregs.signed(a, size) * Vregs.signed(b, size);
        if (size == 2) {
            if (p == 1L << 62) {
                cpu.fpsr |= FpControl.QC;
                return Long.MAX_VALUE;
            }
            return 2 * p;
        }
        return clamp(cpu, 2 * p, 32, false);
    }

    /** SQDMLAL/SQDMLSL's accumulation: d + p (or d - p) of twice the element width, saturated. */
    static long accumulate(A64Cpu cpu, long d, long p, int size, boolean subtract) {
        int wide = size + 1;
        if (wide == 3) {
            long r = subtract ? d - p : d + p;
            boolean overflow = subtract ? ((d ^ p) & (d ^ r)) < 0 : ((d ^ r) & (p ^ r)) < 0;
            if (overflow) {
                cpu.fpsr |= FpControl.QC;
                return d < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            return r;
        }
        long sd = Vregs.signed(d, wide);
        return clamp(cpu, subtract ? sd - p : sd + p, 8 << wide, false);
    }

    /**
     * SQSHL/UQSHL/SQRSHL/UQRSHL (by register) and SQSHL/UQSHL/SQSHLU (by immediate): element
     * {@code a} (signed unless {@code unsignedIn}) shifted left by {@code shift} (right if negative,
     * rounding if {@code round}), saturated to the element's signed or unsigned ({@code
     * unsignedOut}) range.
     */
    static long shift(A64Cpu cpu, long a, int size, int shift, boolean round, boolean unsignedIn, boolean unsignedOut) {
        int bits = 8 << size;
        long v = unsignedIn ? a : Vregs.signed(a, size);
        if (shift < 0) {
            int right = -shift;
            long r;
            if (bits == 64 && unsignedIn) {
                BigInteger b = big(v, true);
                if (round) {
                    b = b.add(BigInteger.ONE.shiftLeft(right - 1));
                }
                return clamp64(cpu, b.shiftRight(right), unsignedOut);
            }
            if (right >= 64) {
                r = round ? 0 : v >> 63;
            } else {
                r = v >> right;
                if (round) {
                    r += (v >>> (right - 1)) & 1;
                }
            }
            return bits == 64 ? r : clamp(cpu, r, bits, unsignedOut);
        }
        if (v == 0) {
            return 0;
        }
        if (bits == 64) {
            return clamp64(cpu, big(v, unsignedIn).shiftLeft(Math.min(shift, 64)), unsignedOut);
        }
        if (shift >= bits) {
            return clamp(cpu, v < 0 ? Long.MIN_VALUE : Long.MAX_VALUE, bits, unsignedOut);
        }
        return clamp(cpu, v << shift, bits, unsignedOut);
    }

    /**
     * SQSHRN/UQSHRN/SQRSHRN/UQRSHRN/SQSHRUN/SQRSHRUN of one lane: a double-width element ({@code
     * size + 1}) shifted right by 1..esize, rounding if {@code round}, saturated to {@code size}.
     */
    static long shiftRightNarrow(
            A64Cpu cpu, long a, int size, int right, boolean round, boolean unsignedIn, boolean unsignedOut) {
        int wide = size + 1;
        long v = unsignedIn ? a : Vregs.signed(a, wide);
        long r = unsignedIn ? v >>> right : v >> right;
        if (round) {
            r += (v >>> (right - 1)) & 1;
        }
        int bits = 8 << size;
        if (unsignedIn) {
            long max = Bits.ones(bits);
            if (Long.compareUnsigned(r, max) > 0) {
                cpu.fpsr |= FpControl.QC;
                return max;
            }
            return r;
        }
        return clamp(cpu, r, bits, unsignedOut);
    }
}
