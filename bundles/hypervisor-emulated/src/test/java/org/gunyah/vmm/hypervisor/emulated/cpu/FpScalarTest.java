package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

/**
 * Scalar floating point, the corners the Arm ARM names (each checked against qemu-aarch64 too;
 * {@link SimdReferenceTest} compares random encodings and operands wholesale).
 */
class FpScalarTest {
    static final long QNAN_A = 0x7ff8_0000_0000_00aaL;
    static final long QNAN_B = 0x7ff8_0000_0000_00bbL;
    static final long SNAN = 0x7ff0_0000_0000_0001L;
    static final long DEFAULT_NAN = 0x7ff8_0000_0000_0000L;
    static final int RP = 1 << 22;
    static final int RM = 2 << 22;

    /** Runs the instruction words with FPCR = fpcr and D0 = d0, D1 = d1, D2 = d2. */
    static A64Cpu run(int fpcr, double d0, double d1, double d2, int... words) {
        return runBits(fpcr, bits(d0), bits(d1), bits(d2), words);
    }

    static A64Cpu runBits(int fpcr, long d0, long d1, long d2, int... words) {
        StringBuilder src = new StringBuilder();
        for (int w : words) {
            src.append(String.format(".word 0x%08x%n", w));
        }
        src.append("hvc #0\n");
        Machine m = new Machine(src.toString());
        A64Cpu cpu = m.cpu(0);
        cpu.fpcr = fpcr;
        cpu.setV(0, d0, 0);
        cpu.setV(1, d1, 0);
        cpu.setV(2, d2, 0);
        assertInstanceOf(Exit.Hypercall.class, cpu.run(100));
        return cpu;
    }

    static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    static double d(A64Cpu cpu, int reg) {
        return Double.longBitsToDouble(cpu.vLow(reg));
    }

    @Test
    void aSumOfOperandsInTheTopBinadeRoundsTowardsPlusInfinityInRp() {
        // x + y is a tie about -1.5 * 2^1023 that rounds to the larger magnitude: TwoSum's r - x then
        // overflows, yet the exact sum must decide the rounding
        double x = 0x1.0000000000003p1022;
        double y = -Double.MAX_VALUE;
        A64Cpu cpu = run(RP, x, y, 0, 0x1e612802); // fadd d2, d0, d1
        java.math.BigDecimal exact = new java.math.BigDecimal(x).add(new java.math.BigDecimal(y));
        double nearest = exact.doubleValue();
        double up = new java.math.BigDecimal(nearest).compareTo(exact) < 0 ? Math.nextUp(nearest) : nearest;
        assertEquals(bits(up), cpu.vLow(2));
        assertEquals(FpControl.IXC, cpu.fpsr());
    }

    @Test
    void minOfMinusZeroAndPlusZeroIsMinusZeroAndMaxIsPlusZero() {
        A64Cpu cpu = run(0, -0.0, 0.0, 0, 0x1e615802, 0x1e614803); // fmin d2, d0, d1; fmax d3, d0, d1
        assertEquals(bits(-0.0), cpu.vLow(2));
        assertEquals(bits(0.0), cpu.vLow(3));
    }

    @Test
    void compareWithANaNIsUnorderedAndOnlyFcmpeSignalsForAQuietNaN() {
        A64Cpu fcmp = runBits(0, QNAN_A, bits(1.0), 0, 0x1e612000); // fcmp d0, d1
        assertEquals(0b0011, fcmp.nzcv());
        assertEquals(0, fcmp.fpsr());
        A64Cpu fcmpe = runBits(0, QNAN_A, bits(1.0), 0, 0x1e612010); // fcmpe d0, d1
        assertEquals(0b0011, fcmpe.nzcv());
        assertEquals(FpControl.IOC, fcmpe.fpsr());
    }

    @Test
    void compareResultsAreEqualLessAndGreater() {
        assertEquals(0b0110, run(0, 2, 2, 0, 0x1e612000).nzcv());
        assertEquals(0b1000, run(0, 1, 2, 0, 0x1e612000).nzcv());
        assertEquals(0b0010, run(0, 3, 2, 0, 0x1e612000).nzcv());
    }

    @Test
    void aSignallingNaNIsQuietenedAndRaisesInvalidOperation() {
        A64Cpu cpu = runBits(0, SNAN, bits(1.0), 0, 0x1e612806); // fadd d6, d0, d1
        assertEquals(0x7ff8_0000_0000_0001L, cpu.vLow(6));
        assertEquals(FpControl.IOC, cpu.fpsr());
    }

    @Test
    void theFirstQuietNaNWinsButAnySignallingNaNBeatsQuietOnes() {
        assertEquals(QNAN_A, runBits(0, QNAN_A, QNAN_B, 0, 0x1e612806).vLow(6));
        assertEquals(
                0x7ff8_0000_0000_0001L, runBits(0, QNAN_A, SNAN, 0, 0x1e612806).vLow(6));
    }

    @Test
    void defaultNaNModeGivesTheDefaultNaN() {
        assertEquals(
                DEFAULT_NAN,
                runBits(FpControl.DN, QNAN_A, bits(1.0), 0, 0x1e612806).vLow(6));
    }

    @Test
    void fcvtzsSaturatesOutOfRangeAndGivesZeroForNaNRaisingInvalid() {
        A64Cpu big = run(0, 1e300, 0, 0, 0x9e780004); // fcvtzs x4, d0
        assertEquals(Long.MAX_VALUE, big.x(4));
        assertEquals(FpControl.IOC, big.fpsr());
        A64Cpu nan = runBits(0, QNAN_A, 0, 0, 0x9e780004);
        assertEquals(0, nan.x(4));
        assertEquals(FpControl.IOC, nan.fpsr());
        A64Cpu inexact = run(0, -1.5, 0, 0, 0x9e780004);
        assertEquals(-1, inexact.x(4));
        assertEquals(FpControl.IXC, inexact.fpsr());
    }

    @Test
    void fcvtzuOfANegativeValueIsZeroAndInvalid() {
        A64Cpu cpu = run(0, -3.0, 0, 0, 0x1e790005); // fcvtzu w5, d0
        assertEquals(0, cpu.x(5));
        assertEquals(FpControl.IOC, cpu.fpsr());
    }

    @Test
    void divisionByZeroIsAnInfinityWithDzcAndZeroByZeroIsInvalid() {
        A64Cpu inf = run(0, 1.0, 0.0, 0, 0x1e611807); // fdiv d7, d0, d1
        assertEquals(Double.POSITIVE_INFINITY, d(inf, 7));
        assertEquals(FpControl.DZC, inf.fpsr());
        A64Cpu nan = run(0, 0.0, 0.0, 0, 0x1e611807);
        assertEquals(DEFAULT_NAN, nan.vLow(7));
        assertEquals(FpControl.IOC, nan.fpsr());
    }

    @Test
    void anInexactResultSetsIxcAndTheRoundingModeChoosesTheNeighbour() {
        A64Cpu nearest = run(0, 1.0, 3.0, 0, 0x1e611807); // fdiv d7, d0, d1
        assertEquals(0x3fd5_5555_5555_5555L, nearest.vLow(7));
        assertEquals(FpControl.IXC, nearest.fpsr());
        assertEquals(0x3fd5_5555_5555_5556L, run(RP, 1.0, 3.0, 0, 0x1e611807).vLow(7));
        assertEquals(0x3fd5_5555_5555_5555L, run(RM, 1.0, 3.0, 0, 0x1e611807).vLow(7));
    }

    @Test
    void anExactZeroDifferenceIsMinusZeroWhenRoundingTowardMinusInfinity() {
        assertEquals(bits(0.0), run(0, 1.0, 1.0, 0, 0x1e613808).vLow(8)); // fsub d8, d0, d1
        assertEquals(bits(-0.0), run(RM, 1.0, 1.0, 0, 0x1e613808).vLow(8));
    }

    @Test
    void frintaRoundsTiesAwayFromZeroAndFrintnToEven() {
        A64Cpu cpu = run(0, 2.5, 0, 0, 0x1e664009, 0x1e64400a); // frinta d9, d0; frintn d10, d0
        assertEquals(3.0, d(cpu, 9));
        assertEquals(2.0, d(cpu, 10));
        assertEquals(-3.0, d(run(0, -2.5, 0, 0, 0x1e664009), 9));
    }

    @Test
    void frintxSetsInexactWhenItRounds() {
        assertEquals(FpControl.IXC, run(0, 2.5, 0, 0, 0x1e67400c).fpsr()); // frintx d12, d0
        assertEquals(0, run(0, 2.0, 0, 0, 0x1e67400c).fpsr());
    }

    @Test
    void flushToZeroFlushesADenormalInputAndSetsIdc() {
        A64Cpu cpu = run(FpControl.FZ, Double.MIN_VALUE, 0.0, 0, 0x1e612806); // fadd d6, d0, d1
        assertEquals(bits(0.0), cpu.vLow(6));
        assertEquals(FpControl.IDC, cpu.fpsr());
    }

    @Test
    void fusedMultiplyAddRoundsOnlyOnce() {
        double a = 1 + 0x1p-30;
        // a * a = 1 + 2^-29 + 2^-60: rounded first, the sum would be 0.
        A64Cpu cpu = run(0, a, a, -(1 + 0x1p-29), 0x1f41080c); // fmadd d12, d0, d1, d2
        assertEquals(0x1p-60, d(cpu, 12));
    }

    @Test
    void ucvtfOfTheLargestWordRoundsUpInexactly() {
        A64Cpu cpu = run(0, 0, 0, 0, 0x12800007, 0x1e2300e6); // mov w7, #-1; ucvtf s6, w7
        assertEquals(0x4f80_0000L, cpu.vLow(6)); // 2^32
        assertEquals(FpControl.IXC, cpu.fpsr());
    }

    @Test
    void fcvtToHalfRoundsTheMidpointAboveTheLargestHalfToInfinity() {
        long f = Float.floatToRawIntBits(65520f);
        A64Cpu cpu = runBits(0, f, 0, 0, 0x1e23c00e); // fcvt h14, s0
        assertEquals(0x7c00, cpu.vLow(14));
        assertEquals(FpControl.OFC | FpControl.IXC, cpu.fpsr());
    }

    @Test
    void fmovMovesBitsBetweenGeneralRegistersAndTheTopHalfOfAQ() {
        A64Cpu cpu = run(
                0,
                1.0,
                0,
                0,
                0xd2824682,
                0x9eaf004b,
                0x9eae0163); // mov x2, #0x1234; fmov v11.d[1], x2; fmov x3, v11.d[1]
        assertEquals(0x1234, cpu.vHigh(11));
        assertEquals(0x1234, cpu.x(3));
    }

    @Test
    void aScalarResultZeroesTheRestOfTheRegister() {
        A64Cpu cpu = new Machine(".word 0x1e612806\nhvc #0\n").cpu(0); // fadd d6, d0, d1
        cpu.setV(6, -1, -1);
        cpu.run(10);
        assertEquals(0, cpu.vHigh(6));
    }
}
