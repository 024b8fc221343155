package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.math.BigDecimal;

/**
 * The floating-point operations of Newton-Raphson division and square root, and their neighbours,
 * on raw single (log2 2) and double (log2 3) bits, as the Arm ARM's pseudocode computes them:
 * the estimates FRECPE, FRSQRTE, URECPE, URSQRTE (its RecipEstimate and RecipSqrtEstimate tables,
 * 8 bits, bit for bit), the fused steps FRECPS (2 - a * b) and FRSQRTS ((3 - a * b) / 2), FRECPX,
 * FMULX (FMUL, but infinity times zero is 2), and FCVTXN's conversion to single rounding to odd.
 */
final class FpEstimates {
    private FpEstimates() {}

    /** RecipEstimate: a in 256..511 (0.5 <= a / 512 < 1), 1 / a in 256..511 (units of 1/256). */
    static int recipEstimate(int a) {
        a = a * 2 + 1;
        int b = (1 << 19) / a;
        return (b + 1) / 2;
    }

    /** RecipSqrtEstimate: a in 128..511 (0.25 <= a / 512 < 1), 1 / sqrt in 256..511. */
    static int recipSqrtEstimate(int a) {
        if (a < 256) {
            a = a * 2 + 1; // units of 1/512, rounded to nearest
        } else {
            a = (a >> 1) << 1;
            a = (a + 1) * 2; // units of 1/256, rounded to nearest
        }
        long b = 512;
        while (a * (b + 1) * (b + 1) < 1L << 28) {
            b++;
        }
        return (int) ((b + 1) / 2);
    }

    private static long two(int log2, boolean negative) {
        long v = log2 == 3 ? 0x4000_0000_0000_0000L : 0x4000_0000L;
        return negative ? v | FpArith.signBit(log2) : v;
    }

    private static boolean isInf(long bits, int log2) {
        return (bits & ~FpArith.signBit(log2)) == FpArith.packInf(log2, false);
    }

    private static boolean isZero(long bits, int log2) {
        return (bits & ~FpArith.signBit(log2)) == 0;
    }

    private static boolean negative(long bits, int log2) {
        return (bits & FpArith.signBit(log2)) != 0;
    }

    /** FMULX: FMUL, except that infinity times zero is 2 with the product's sign. */
    static long mulX(A64Cpu cpu, long a, long b, int log2) {
        a = FpArith.flushIn(cpu, a, log2);
        b = FpArith.flushIn(cpu, b, log2);
        Long nan = FpArith.processNaNs(cpu, log2, a, b);
        if (nan != null) {
            return nan;
        }
        if (isInf(a, log2) && isZero(b, log2) || isZero(a, log2) && isInf(b, log2)) {
            return two(log2, negative(a, log2) != negative(b, log2));
        }
        return FpArith.arith(cpu, 2, a, b, log2);
    }

    /** FRECPS: 2 - a * b, fused; infinity times zero gives 2. */
    static long recipStep(A64Cpu cpu, long a, long b, int log2) {
        a = FpArith.flushIn(cpu, a ^ FpArith.signBit(log2), log2); // the negation comes first, NaNs too
        b = FpArith.flushIn(cpu, b, log2);
        Long nan = FpArith.processNaNs(cpu, log2, a, b);
        if (nan != null) {
            return nan;
        }
        if (isInf(a, log2) && isZero(b, log2) || isZero(a, log2) && isInf(b, log2)) {
            return two(log2, false);
        }
        return FpArith.mulAdd(cpu, two(log2, false), a, b, log2);
    }

    /** FRSQRTS: (3 - a * b) / 2, fused, one rounding; infinity times zero gives 1.5. */
    static long rsqrtStep(A64Cpu cpu, long a, long b, int log2) {
        a = FpArith.flushIn(cpu, a ^ FpArith.signBit(log2), log2);
        b = FpArith.flushIn(cpu, b, log2);
        Long nan = FpArith.processNaNs(cpu, log2, a, b);
        if (nan != null) {
            return nan;
        }
        if (isInf(a, log2) && isZero(b, log2) || isZero(a, log2) && isInf(b, log2)) {
            return log2 == 3 ? 0x3ff8_0000_0000_0000L : 0x3fc0_0000L;
        }
        if (isInf(a, log2) || isInf(b, log2)) {
            return FpArith.packInf(log2, negative(a, log2) != negative(b, log2));
        }
        double x = FpArith.value(a, log2);
        double y = FpArith.value(b, log2);
        BigDecimal exact = new BigDecimal(x)
                .multiply(new BigDecimal(y))
                .add(BigDecimal.valueOf(3))
                .divide(BigDecimal.valueOf(2));
        int mode = FpControl.roundingMode(cpu);
        if (exact.signum() == 0) {
            return mode == FpArith.RM ? FpArith.signBit(log2) : 0;
        }
        double r = exact.doubleValue();
        int err = Double.isInfinite(r) ? 0 : exact.compareTo(new BigDecimal(r));
        return FpArith.round(cpu, r, err, log2, true, mode);
    }

    /** FRECPE: an 8-bit estimate of 1 / a. */
    static long recipEstimate(A64Cpu cpu, long n, int log2) {
        n = FpArith.flushIn(cpu, n, log2);
        if (FpArith.isNaN(n, log2)) {
            return FpArith.processNaN(cpu, n, log2);
        }
        boolean neg = negative(n, log2);
        long sign = n & FpArith.signBit(log2);
        if (isInf(n, log2)) {
            return sign;
        }
        if (isZero(n, log2)) {
            cpu.fpsr |= FpControl.DZC;
            return FpArith.packInf(log2, neg);
        }
        double v = Math.abs(FpArith.value(n, log2));
        if (v < (log2 == 3 ? 0x1p-1024 : 0x1p-128)) {
            int mode = FpControl.roundingMode(cpu);
            boolean toInf = mode == FpArith.RN || mode == FpArith.RP && !neg || mode == FpArith.RM && neg;
            cpu.fpsr |= FpControl.OFC | FpControl.IXC;
            return toInf ? FpArith.packInf(log2, neg) : sign | (FpArith.packInf(log2, false) - 1);
        }
        if ((cpu.fpcr & FpControl.FZ) != 0 && v >= (log2 == 3 ? 0x1p1022 : 0x1p126)) {
            cpu.fpsr |= FpControl.UFC;
            return sign;
        }
        long fraction = fraction52(n, log2);
        int exp = exponent(n, log2);
        if (exp == 0) {
            if ((fraction >>> 51 & 1) == 0) {
                exp = -1;
                fraction = (fraction << 2) & Bits.ones(52);
            } else {
                fraction = (fraction << 1) & Bits.ones(52);
            }
        }
        int scaled = 256 | (int) (fraction >>> 44 & 0xff);
        int resultExp = (log2 == 3 ? 2045 : 253) - exp;
        long estimate = recipEstimate(scaled);
        fraction = (estimate & 0xff) << 44;
        if (resultExp == 0) {
            fraction = 1L << 51 | fraction >>> 1;
        } else if (resultExp == -1) {
            fraction = 1L << 50 | fraction >>> 2;
            resultExp = 0;
        }
        return log2 == 3 ? sign | (long) resultExp << 52 | fraction : sign | (long) resultExp << 23 | fraction >>> 29;
    }

    /** FRSQRTE: an 8-bit estimate of 1 / sqrt(a). */
    static long rsqrtEstimate(A64Cpu cpu, long n, int log2) {
        n = FpArith.flushIn(cpu, n, log2);
        if (FpArith.isNaN(n, log2)) {
            return FpArith.processNaN(cpu, n, log2);
        }
        if (isZero(n, log2)) {
            cpu.fpsr |= FpControl.DZC;
            return FpArith.packInf(log2, negative(n, log2));
        }
        if (negative(n, log2)) {
            return FpArith.invalid(cpu, log2);
        }
        if (isInf(n, log2)) {
            return 0;
        }
        long fraction = fraction52(n, log2);
        int exp = exponent(n, log2);
        if (exp == 0) {
            while ((fraction >>> 51 & 1) == 0) {
                fraction = (fraction << 1) & Bits.ones(52);
                exp--;
            }
            fraction = (fraction << 1) & Bits.ones(52);
        }
        int scaled = (exp & 1) == 0 ? 256 | (int) (fraction >>> 44 & 0xff) : 128 | (int) (fraction >>> 45 & 0x7f);
        int resultExp = Math.floorDiv((log2 == 3 ? 3068 : 380) - exp, 2);
        long estimate = recipSqrtEstimate(scaled) & 0xff;
        return log2 == 3 ? (long) resultExp << 52 | estimate << 44 : (long) resultExp << 23 | estimate << 15;
    }

    /** URECPE: the estimate of the reciprocal of an unsigned 0.32 fixed-point word. */
    static long unsignedRecipEstimate(long n) {
        if ((n & 0x8000_0000L) == 0) {
            return Bits.W;
        }
        return (long) recipEstimate((int) (n >>> 23 & 0x1ff)) << 23;
    }

    /** URSQRTE: the estimate of the reciprocal square root of an unsigned 0.32 fixed-point word. */
    static long unsignedRsqrtEstimate(long n) {
        if ((n & 0xc000_0000L) == 0) {
            return Bits.W;
        }
        return (long) recipSqrtEstimate((int) (n >>> 23 & 0x1ff)) << 23;
    }

    /** FRECPX: the exponent inverted, the fraction cleared (zeros and denormals: the largest). */
    static long reciprocalExponent(A64Cpu cpu, long n, int log2) {
        n = FpArith.flushIn(cpu, n, log2);
        if (FpArith.isNaN(n, log2)) {
            return FpArith.processNaN(cpu, n, log2);
        }
        int frac = FpArith.fracBits(log2);
        long ones = Bits.ones(FpArith.expBits(log2));
        long exp = n >>> frac & ones;
        long sign = n & FpArith.signBit(log2);
        return sign | (exp == 0 ? ones - 1 : ~exp & ones) << frac;
    }

    /** FCVTXN: a double to single, rounding to odd whatever FPCR says. */
    static long toSingleRoundOdd(A64Cpu cpu, long n) {
        n = FpArith.flushIn(cpu, n, 3);
        double x = FpArith.value(n, 3);
        if (Double.isNaN(x) || Double.isInfinite(x) || x == 0) {
            return FpConvert.convert(cpu, n, 3, 2);
        }
        int before = cpu.fpsr;
        cpu.fpsr &= ~FpControl.IXC;
        long r = FpArith.round(cpu, x, 0, 2, true, FpArith.RZ);
        if ((cpu.fpsr & FpControl.IXC) != 0) {
            r |= 1;
        }
        cpu.fpsr |= before;
        return r;
    }

    private static long fraction52(long n, int log2) {
        return log2 == 3 ? n & Bits.ones(52) : (n & 0x7f_ffffL) << 29;
    }

    private static int exponent(long n, int log2) {
        return (int) (log2 == 3 ? n >>> 52 & 0x7ff : n >>> 23 & 0xff);
    }
}
