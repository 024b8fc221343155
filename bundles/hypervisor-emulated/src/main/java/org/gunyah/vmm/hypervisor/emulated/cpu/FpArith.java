package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.math.BigDecimal;

/**
 * IEEE 754 arithmetic as the Arm ARM defines it, on raw bits of single (log2 2) and double (log2
 * 3) values: NaN propagation (the first signalling NaN, else the first quiet NaN, quietened;
 * FPCR.DN gives the default NaN), flush-to-zero of inputs and outputs (FPCR.FZ, setting IDC and
 * UFC), the rounding modes of FPCR.RMode, and the cumulative FPSR flags IOC, DZC, OFC, UFC, IXC.
 *
 * <p>Every operation is computed in Java's double (round to nearest even) together with the sign
 * of its exact residual (from TwoSum or an FMA), which is enough to round correctly in every mode
 * and to any narrower format ({@link #round}). Where Java has no cheap exact residual (double
 * fused multiply-add, results near the subnormal range) the residual's sign comes from
 * BigDecimal, exact but slower.
 */
final class FpArith {
    private FpArith() {}

    static final int RN = 0;
    static final int RP = 1;
    static final int RM = 2;
    static final int RZ = 3;
    static final int RA = 4; // to nearest, ties away (FRINTA, FCVTA*)

    /** The value of a half in the alternative format (FPCR.AHP): exponent 31 is a normal binade. */
    static double alternativeHalf(long bits) {
        long e = bits >> 10 & 31;
        long f = bits & 0x3ff;
        double v = e == 0 ? Math.scalb((double) f, -24) : Math.scalb((double) (1024 + f), (int) e - 25);
        return (bits & 0x8000) != 0 ? -v : v;
    }

    static double value(long bits, int log2) {
        return switch (log2) {
            case 3 -> Double.longBitsToDouble(bits);
            case 2 -> Float.intBitsToFloat((int) bits);
            default -> Float.float16ToFloat((short) bits);
        };
    }

    static int expBits(int log2) {
        return log2 == 3 ? 11 : log2 == 2 ? 8 : 5;
    }

    static int fracBits(int log2) {
        return log2 == 3 ? 52 : log2 == 2 ? 23 : 10;
    }

    static long signBit(int log2) {
        return 1L << ((8 << log2) - 1);
    }

    static boolean isNaN(long bits, int log2) {
        long exp = (bits >>> fracBits(log2)) & Bits.ones(expBits(log2));
        return exp == Bits.ones(expBits(log2)) && (bits & Bits.ones(fracBits(log2))) != 0;
    }

    static boolean isSignalling(long bits, int log2) {
        return isNaN(bits, log2) && (bits >>> (fracBits(log2) - 1) & 1) == 0;
    }

    static long defaultNaN(int log2) {
        return switch (log2) {
            case 3 -> 0x7ff8_0000_0000_0000L;
            case 2 -> 0x7fc0_0000L;
            default -> 0x7e00L;
        };
    }

    static boolean isDenormal(long bits, int log2) {
        long exp = (bits >>> fracBits(log2)) & Bits.ones(expBits(log2));
        return exp == 0 && (bits & Bits.ones(fracBits(log2))) != 0;
    }

    /** An input flushed to zero under FPCR.FZ (setting IDC), else unchanged. Not for half. */
    static long flushIn(A64Cpu cpu, long bits, int log2) {
        if ((cpu.fpcr & FpControl.FZ) != 0 && log2 >= 2 && isDenormal(bits, log2)) {
            cpu.fpsr |= FpControl.IDC;
            return bits & signBit(log2);
        }
        return bits;
    }

    /** A NaN operand's result: quietened (IOC if it was signalling), or the default NaN under DN. */
    static long processNaN(A64Cpu cpu, long bits, int log2) {
        if (isSignalling(bits, log2)) {
            cpu.fpsr |= FpControl.IOC;
        }
        if ((cpu.fpcr & FpControl.DN) != 0) {
            return defaultNaN(log2);
        }
        return bits | 1L << (fracBits(log2) - 1);
    }

    /** FPProcessNaNs3: the result when any operand is a NaN, else null. */
    static Long processNaNs(A64Cpu cpu, int log2, long... ops) {
        for (long op : ops) {
            if (isSignalling(op, log2)) {
                for (long other : ops) {
                    if (isSignalling(other, log2) && other != op) {
                        cpu.fpsr |= FpControl.IOC;
                    }
                }
                return processNaN(cpu, op, log2);
            }
        }
        for (long op : ops) {
            if (isNaN(op, log2)) {
                return processNaN(cpu, op, log2);
            }
        }
        return null;
    }

    static long invalid(A64Cpu cpu, int log2) {
        cpu.fpsr |= FpControl.IOC;
        return defaultNaN(log2);
    }

    // The two-operand operations: op 0 add, 1 sub, 2 mul, 3 div.

    static long arith(A64Cpu cpu, int op, long a, long b, int log2) {
        a = flushIn(cpu, a, log2);
        b = flushIn(cpu, b, log2);
        Long nan = processNaNs(cpu, log2, a, b);
        if (nan != null) {
            return nan;
        }
        double x = value(a, log2);
        double y = value(b, log2);
        double r;
        int err;
        switch (op) {
            case 0, 1 -> {
                if (op == 1) {
                    y = -y;
                }
                if (Double.isInfinite(x) && Double.isInfinite(y) && x != y) {
                    return invalid(cpu, log2);
                }
                r = x + y;
                double bv = r - x;
                double e = (x - (r - bv)) + (y - bv); // TwoSum
                if (Double.isInfinite(r)) {
                    err = 0;
                } else if (Double.isNaN(e)) { // an intermediate overflowed (operands near the largest double)
                    err = new BigDecimal(x).add(new BigDecimal(y)).compareTo(new BigDecimal(r));
                } else {
                    err = (int) Math.signum(e);
                }
                if (r == 0 && err == 0) { // an exact zero: +0 but in RM, unless both are zeros of one sign
                    boolean sameZeros = x == 0 && y == 0 && isNegZero(x) == isNegZero(y);
                    r = sameZeros ? x : FpControl.roundingMode(cpu) == RM ? -0.0 : 0.0;
                }
            }
            case 2 -> {
                if (Double.isInfinite(x) && y == 0 || Double.isInfinite(y) && x == 0) {
                    return invalid(cpu, log2);
                }
                r = x * y;
                if (Double.isInfinite(r) || x == 0 || y == 0) {
                    err = 0;
                } else if (Math.abs(r) < 0x1p-960) { // the FMA residual could underflow: exactly
                    err = new BigDecimal(x).multiply(new BigDecimal(y)).compareTo(new BigDecimal(r));
                } else {
                    err = (int) Math.signum(Math.fma(x, y, -r));
                }
            }
            default -> {
                if (x == 0 && y == 0 || Double.isInfinite(x) && Double.isInfinite(y)) {
                    return invalid(cpu, log2);
                }
                if (y == 0 && !Double.isNaN(x) && !Double.isInfinite(x)) {
                    cpu.fpsr |= FpControl.DZC;
                    return (Double.doubleToRawLongBits(x) ^ Double.doubleToRawLongBits(y)) < 0
                            ? packInf(log2, true)
                            : packInf(log2, false);
                }
                r = x / y;
                if (Double.isInfinite(r) || Double.isInfinite(y) || x == 0) {
                    err = 0;
                } else if (Math.abs(r) < 0x1p-960 || Math.abs(x) < 0x1p-960) {
                    err = new BigDecimal(x).compareTo(new BigDecimal(r).multiply(new BigDecimal(y))) * (y < 0 ? -1 : 1);
                } else {
                    err = (int) Math.signum(Math.fma(-r, y, x)) * (y < 0 ? -1 : 1);
                }
            }
        }
        boolean finite = !Double.isInfinite(x) && !Double.isInfinite(y);
        return round(cpu, r, err, log2, finite, FpControl.roundingMode(cpu));
    }

    private static boolean isNegZero(double d) {
        return d == 0 && Double.doubleToRawLongBits(d) < 0;
    }

    static long packInf(int log2, boolean negative) {
        long inf = Bits.ones(expBits(log2)) << fracBits(log2);
        return negative ? inf | signBit(log2) : inf;
    }

    static long sqrt(A64Cpu cpu, long a, int log2) {
        a = flushIn(cpu, a, log2);
        Long nan = processNaNs(cpu, log2, a);
        if (nan != null) {
            return nan;
        }
        double x = value(a, log2);
        if (x == 0) {
            return a;
        }
        if (x < 0) {
            return invalid(cpu, log2);
        }
        double r = Math.sqrt(x);
        int err;
        if (Double.isInfinite(r)) {
            err = 0;
        } else if (x < 0x1p-960) {
            BigDecimal br = new BigDecimal(r);
            err = new BigDecimal(x).compareTo(br.multiply(br));
        } else {
            err = (int) Math.signum(Math.fma(-r, r, x));
        }
        return round(cpu, r, err, log2, !Double.isInfinite(x), FpControl.roundingMode(cpu));
    }

    /** FPMulAdd: addend + n * m, rounded once (operands already negated as the instruction says). */
    static long mulAdd(A64Cpu cpu, long addend, long n, long m, int log2) {
        addend = flushIn(cpu, addend, log2);
        n = flushIn(cpu, n, log2);
        m = flushIn(cpu, m, log2);
        Long nan = processNaNs(cpu, log2, addend, n, m);
        double a = value(addend, log2);
        double x = value(n, log2);
        double y = value(m, log2);
        boolean infTimesZero = Double.isInfinite(x) && y == 0 || Double.isInfinite(y) && x == 0;
        if (nan != null) {
            // A quiet NaN addend with inf * 0: the default NaN, an invalid operation.
            if (infTimesZero && isNaN(addend, log2) && !isSignalling(addend, log2)) {
                return invalid(cpu, log2);
            }
            return nan;
        }
        if (infTimesZero) {
            return invalid(cpu, log2);
        }
        double p = x * y;
        boolean productInf = Double.isInfinite(x) || Double.isInfinite(y);
        if (Double.isInfinite(a) && productInf && (a > 0) != ((x > 0) == (y > 0))) {
            return invalid(cpu, log2);
        }
        double r;
        int err = 0;
        if (log2 == 3) {
            r = Math.fma(x, y, a);
            if (!Double.isInfinite(r) && !Double.isInfinite(a) && !Double.isInfinite(x) && !Double.isInfinite(y)) {
                BigDecimal exact = new BigDecimal(x).multiply(new BigDecimal(y)).add(new BigDecimal(a));
                err = exact.compareTo(new BigDecimal(r));
            }
        } else {
            // x * y is exact in double; one more rounding of the sum, its residual by TwoSum.
            r = p + a;
            double bv = r - p;
            err = (int) Math.signum((p - (r - bv)) + (a - bv));
        }
        if (r == 0 && err == 0) {
            boolean pNeg = (x < 0 || isNegZero(x)) != (y < 0 || isNegZero(y));
            boolean aNeg = isNegZero(a) || a < 0;
            if (a == 0 && p == 0 && pNeg == aNeg) {
                r = aNeg ? -0.0 : 0.0;
            } else {
                r = FpControl.roundingMode(cpu) == RM ? -0.0 : 0.0;
            }
        }
        boolean finite = !Double.isInfinite(a) && !productInf;
        return round(cpu, r, err, log2, finite, FpControl.roundingMode(cpu));
    }

    /** FMAX/FMIN (and the NM forms: a quiet NaN loses against a number). */
    static long maxMin(A64Cpu cpu, long a, long b, int log2, boolean max, boolean numeric) {
        a = flushIn(cpu, a, log2);
        b = flushIn(cpu, b, log2);
        if (numeric) {
            boolean an = isNaN(a, log2) && !isSignalling(a, log2);
            boolean bn = isNaN(b, log2) && !isSignalling(b, log2);
            if (an && !isNaN(b, log2)) {
                a = max ? packInf(log2, true) : packInf(log2, false);
            } else if (bn && !isNaN(a, log2)) {
                b = max ? packInf(log2, true) : packInf(log2, false);
            }
        }
        Long nan = processNaNs(cpu, log2, a, b);
        if (nan != null) {
            return nan;
        }
        double x = value(a, log2);
        double y = value(b, log2);
        long r;
        if (x == 0 && y == 0) {
            boolean xNeg = (a & signBit(log2)) != 0;
            boolean yNeg = (b & signBit(log2)) != 0;
            r = max ? (xNeg && yNeg ? a : (xNeg ? b : a)) : (xNeg || yNeg ? (xNeg ? a : b) : a);
        } else {
            r = max ? (x >= y ? a : b) : (x <= y ? a : b);
        }
        return flushOut(cpu, r, log2);
    }

    /** A denormal result flushed to zero under FZ (setting UFC). */
    static long flushOut(A64Cpu cpu, long bits, int log2) {
        if ((cpu.fpcr & FpControl.FZ) != 0 && log2 >= 2 && isDenormal(bits, log2)) {
            cpu.fpsr |= FpControl.UFC;
            return bits & signBit(log2);
        }
        return bits;
    }

    /**
     * FPRound: the exact value {@code r + err * tiny} (err the residual's sign) to the format of
     * {@code log2} in {@code mode}, with OFC, UFC, IXC and flush-to-zero of tiny results. {@code
     * finite}: the operands were finite, so an infinite r is an overflow.
     */
    static long round(A64Cpu cpu, double r, int err, int log2, boolean finite, int mode) {
        if (Double.isNaN(r)) {
            return defaultNaN(log2);
        }
        boolean negative = Double.doubleToRawLongBits(r) < 0;
        if (Double.isInfinite(r)) {
            return finite ? overflow(cpu, log2, negative, mode) : packInf(log2, negative);
        }
        if (r == 0 && err == 0) {
            return negative ? signBit(log2) : 0;
        }
        int fbits = fracBits(log2);
        int emin = 2 - (1 << (expBits(log2) - 1)); // the exponent of the smallest normal
        double minNormal = Math.scalb(1.0, emin);
        // Tininess before rounding: the exact value, which may lie just below r = the smallest normal.
        boolean tiny = Math.abs(r) < minNormal || Math.abs(r) == minNormal && err != 0 && (err < 0) == (r > 0);
        if (tiny && (cpu.fpcr & FpControl.FZ) != 0 && log2 >= 2) {
            cpu.fpsr |= FpControl.UFC;
            return negative ? signBit(log2) : 0;
        }
        double result;
        boolean inexact;
        if (log2 == 3) {
            result = r;
            inexact = err != 0;
            // r is the nearest-even result; a directed mode moves it one ulp towards the exact value.
            if (err > 0 && (mode == RP || mode == RZ && negative)) {
                result = Math.nextUp(r);
            } else if (err < 0 && (mode == RM || mode == RZ && !negative)) {
                result = Math.nextDown(r);
            }
        } else {
            int exp = tiny ? emin : Math.getExponent(r);
            boolean powerOfTwo = (Double.doubleToRawLongBits(r) & Bits.ones(52)) == 0;
            if (!tiny && powerOfTwo && exp > emin && (err < 0) == (r > 0) && err != 0) {
                exp--; // the exact value is just below a power of two: the binade beneath
            }
            double ulp = Math.scalb(1.0, exp - fbits);
            double q = r / ulp; // exact: a power of two, no underflow in double
            double integral = roundIntegral(q, err, mode);
            inexact = integral != q || err != 0;
            result = integral * ulp;
        }
        boolean ahp = log2 == 1 && (cpu.fpcr & FpControl.AHP) != 0;
        double max = log2 == 3
                ? Double.MAX_VALUE
                : Math.scalb(2.0 - Math.scalb(1.0, -fbits), (1 << (expBits(log2) - 1)) - (ahp ? 0 : 1));
        if (Double.isInfinite(result) || Math.abs(result) > max) {
            if (ahp) { // the alternative half precision has no infinity: invalid, saturated
                cpu.fpsr |= FpControl.IOC;
                return (negative ? signBit(1) : 0) | 0x7fff;
            }
            return overflow(cpu, log2, negative, mode);
        }
        if (inexact) {
            cpu.fpsr |= FpControl.IXC | (tiny ? FpControl.UFC : 0);
        }
        if (result == 0) {
            return negative ? signBit(log2) : 0;
        }
        if (ahp && Math.abs(result) >= 0x1p16) {
            long frac = (long) (Math.abs(result) / 0x1p6) - 1024;
            return (negative ? signBit(1) : 0) | 31L << 10 | frac;
        }
        return pack(result, log2);
    }

    private static long pack(double d, int log2) {
        return switch (log2) {
            case 3 -> Double.doubleToRawLongBits(d);
            case 2 -> Float.floatToRawIntBits((float) d) & 0xffff_ffffL;
            default -> Float.floatToFloat16((float) d) & 0xffffL;
        };
    }

    private static long overflow(A64Cpu cpu, int log2, boolean negative, int mode) {
        cpu.fpsr |= FpControl.OFC | FpControl.IXC;
        boolean toInf = mode == RN || mode == RA || mode == RP && !negative || mode == RM && negative;
        if (toInf) {
            return packInf(log2, negative);
        }
        long max = packInf(log2, false) - 1;
        return negative ? max | signBit(log2) : max;
    }

    /**
     * The integral value nearest to {@code q + err * tiny} in {@code mode} (RN ties to even, RA
     * ties away). {@code q} is any double; a value at or beyond 2^52 is integral already.
     */
    static double roundIntegral(double q, int err, int mode) {
        if (Math.abs(q) >= 0x1p52) {
            if (err == 0) {
                return q;
            }
        }
        double fl = Math.floor(q);
        double frac = q - fl;
        boolean up; // to fl + 1
        if (frac == 0 && err == 0) {
            return q;
        }
        if (frac == 0) { // exactly an integer plus a tiny residual
            return switch (mode) {
                case RP -> err > 0 ? fl + 1 : fl;
                case RM -> err < 0 ? fl - 1 : fl;
                case RZ -> q > 0 && err < 0 ? fl - 1 : q < 0 && err > 0 ? fl + 1 : fl;
                default -> fl;
            };
        }
        switch (mode) {
            case RP -> up = true;
            case RM -> up = false;
            case RZ -> up = q < 0;
            default -> {
                if (frac != 0.5) {
                    up = frac > 0.5;
                } else if (err != 0) {
                    up = err > 0;
                } else if (mode == RA) {
                    up = q > 0;
                } else {
                    up = Math.floor(fl / 2) * 2 != fl;
                }
            }
        }
        return up ? fl + 1 : fl;
    }
}
