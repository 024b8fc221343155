package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The exception model: which vector an exception takes, what ESR, ELR, SPSR and FAR say, the
 * return to EL0, and what EL0 may not do. Each program installs a vector table whose every entry
 * records its offset in x20 and stops the run with HVC, so a test sees the state at the vector.
 */
class ExceptionsTest {
    private static final String STOP = "\n        hvc #0\n";

    /** A program: set VBAR_EL1, run {@code body}, stop; with the recording vector table after it. */
    private static Machine.Result run(String body) {
        return run(body, "");
    }

    private static Machine.Result run(String body, String el0Code) {
        StringBuilder vectors = new StringBuilder("        .balign 2048\nvectors:\n");
        for (int offset = 0; offset < 0x800; offset += 0x80) {
            vectors.append("        .balign 128\n        mov x20, #")
                    .append(offset)
                    .append(STOP);
        }
        String source = "        ldr x0, =vectors\n        msr vbar_el1, x0\n"
                + body
                + STOP
                + "        .ltorg\nel0:\n"
                + el0Code
                + STOP
                + vectors;
        return Machine.run(source);
    }

    /** Drops to EL0 at label {@code el0} with interrupts unmasked and SP_EL0 set. */
    private static final String TO_EL0 = """
        ldr x0, =el0
        msr elr_el1, x0
        mov x0, #0
        msr spsr_el1, x0
        ldr x0, =0x80008000
        msr sp_el0, x0
        eret
        """;

    private static String word(int w) {
        return String.format("        .word 0x%08x%n", w);
    }

    private static String mrs(int op0, int op1, int crn, int crm, int op2, int rt) {
        return word(0xd5300000 | (op0 - 2) << 19 | op1 << 16 | crn << 12 | crm << 8 | op2 << 5 | rt);
    }

    private static String msr(int op0, int op1, int crn, int crm, int op2, int rt) {
        return word(0xd5100000 | (op0 - 2) << 19 | op1 << 16 | crn << 12 | crm << 8 | op2 << 5 | rt);
    }

    private static long vbar(Machine.Result r) {
        return r.machine().symbol("vectors");
    }

    private static int ec(Machine.Result r) {
        return (int) (r.cpu().esr() >>> 26);
    }

    @Test
    void anUndefinedInstructionAtEl1IsTakenAtTheCurrentElSpxVector() {
        var r = run("        nop\nbad:\n        .word 0\n");
        assertInstanceOf(Exit.Hypercall.class, r.exit());
        assertEquals(0x200, r.x(20));
        assertEquals(0x0200_0000L, r.cpu().esr(), "EC 0 (unknown reason) with IL");
        assertEquals(r.machine().symbol("bad"), r.cpu().elr());
        assertEquals(0x3c5, r.cpu().spsr(), "EL1h with DAIF masked, as the vCPU started");
        assertEquals(1, r.cpu().exceptionLevel());
    }

    @Test
    void anSvcFromEl0IsTakenAtTheLowerElVectorWithItsImmediateAndTheNextPc() {
        var r = run(TO_EL0, "        nop\nsvc:\n" + word(0xd4000001 | 0x42 << 5) + "after:\n");
        assertEquals(0x400, r.x(20));
        assertEquals(0x15, ec(r));
        assertEquals(0x42, r.cpu().esr() & 0xffff);
        assertEquals(r.machine().symbol("after"), r.cpu().elr());
        assertEquals(0, r.cpu().spsr() & 0xf, "SPSR.M says EL0t");
    }

    @Test
    void el0RunsOnSpEl0AndReadsItsOwnExceptionLevelAsUndefined() {
        // CurrentEL is not accessible at EL0: UNDEFINED, so EL0 cannot even ask.
        var r = run(TO_EL0, "        mov x1, sp\n        mrs x2, currentel\n");
        assertEquals(0x400, r.x(20));
        assertEquals(0, ec(r));
        assertEquals(0x8000_8000L, r.x(1));
    }

    @Test
    void anIrqAtEl0IsTakenAtTheLowerElIrqVectorAndReturnsToTheInterruptedInstruction() {
        Machine m = new Machine("""
                ldr x0, =vectors
                msr vbar_el1, x0
            """ + TO_EL0 + """
                .ltorg
            el0:
                nop
            spin:
                b spin
                .balign 2048
            vectors:
                .balign 128
                hvc #0
            """ + ".space 0x480 - 4\n        mov x20, #0x480\n        hvc #0\n");
        A64Cpu cpu = m.cpu(0);
        cpu.run(20);
        cpu.setInterruptPending(true);
        assertInstanceOf(Exit.Hypercall.class, cpu.run(100));
        assertEquals(0x480, cpu.x(20));
        assertEquals(m.symbol("spin"), cpu.elr());
        assertEquals(0, cpu.spsr() & 0x3cf, "EL0t, interrupts were unmasked");
    }

    @Test
    void brkIsTakenWithItsImmediateAndReturnsToItself() {
        var r = run("brk:\n        brk #0x7\n");
        assertEquals(0x200, r.x(20));
        assertEquals(0x3c, ec(r));
        assertEquals(7, r.cpu().esr() & 0xffff);
        assertEquals(r.machine().symbol("brk"), r.cpu().elr());
    }

    @Test
    void hvcFromEl0IsUndefined() {
        var r = run(TO_EL0, "        hvc #1\n");
        assertEquals(0x400, r.x(20));
        assertEquals(0, ec(r));
    }

    @Test
    void anEl1SystemRegisterAtEl0IsUndefined() {
        var r = run(TO_EL0, "        mrs x1, sctlr_el1\n");
        assertEquals(0x400, r.x(20));
        assertEquals(0, ec(r));
    }

    @Test
    void ctrEl0AtEl0IsTrappedUnlessSctlrUctAllowsIt() {
        var trapped = run(TO_EL0, "        nop\n" + mrs(3, 3, 0, 0, 1, 5));
        assertEquals(0x18, ec(trapped));
        long iss = trapped.cpu().esr() & 0x1ff_ffff;
        assertEquals(
                3L << 20 | 1L << 17 | 3L << 14 | 5L << 5 | 1, iss, "Op0 3, Op2 1, Op1 3, CRn 0, Rt 5, CRm 0, read");
        var allowed = run("        mov x0, #0x8000\n        msr sctlr_el1, x0\n" + TO_EL0, mrs(3, 3, 0, 0, 1, 5));
        assertInstanceOf(Exit.Hypercall.class, allowed.exit());
        assertEquals(IdRegisters.CTR, allowed.x(5));
    }

    @Test
    void cpacrFpenTrapsFloatingPointAtEl0Only() {
        var r = run(
                "        mov x0, #0x100000\n" + msr(3, 0, 1, 0, 2, 0) + word(0x9e670000) /* fmov d0, x0 */ + TO_EL0,
                word(0x9e670021) /* fmov d1, x1 */);
        assertEquals(0x400, r.x(20), "EL1's fmov ran; EL0's trapped");
        assertEquals(0x07, ec(r));
    }

    @Test
    void wfiAtEl0IsTrappedWhenSctlrNtwiIsClear() {
        var r = run(TO_EL0, "        wfi\n");
        assertEquals(0x400, r.x(20));
        assertEquals(0x01, ec(r));
        assertEquals(0, r.cpu().esr() & 1, "TI: WFI");
    }

    @Test
    void aMisalignedPcIsAPcAlignmentFaultWithTheAddressInFar() {
        var r = run("        ldr x0, =0x80000102\n        br x0\n");
        assertEquals(0x200, r.x(20));
        assertEquals(0x22, ec(r));
        assertEquals(0x8000_0102L, r.cpu().far());
    }

    @Test
    void anIllegalExceptionReturnToEl2IsAnIllegalExecutionStateException() {
        var r = run("        ldr x0, =there\n        msr elr_el1, x0\n        mov x0, #0x9\n        msr spsr_el1, x0\n"
                + "        eret\nthere:\n        nop\n");
        assertEquals(0x200, r.x(20));
        assertEquals(0x0e, ec(r));
        assertEquals(r.machine().symbol("there"), r.cpu().elr());
        assertEquals(1L << 20, r.cpu().spsr() & (1L << 20), "SPSR.IL: the return was illegal");
    }

    @Test
    void anExceptionInsideTheVectorsCrashesNamingTheFirstOne() {
        var r = Machine.run("        nop\n        .word 0\n"); // VBAR_EL1 0: no RAM there
        Exit.Crash crash = assertInstanceOf(Exit.Crash.class, r.exit());
        assertEquals(Machine.BASE + 4, crash.pc());
        assertTrue(crash.reason().startsWith("undefined instruction"), crash.reason());
        assertTrue(crash.reason().contains("in the exception vectors"), crash.reason());
    }

    @Test
    void sevlSetsTheEventRegisterThatWfeConsumes() {
        var r = Machine.run(word(0xd50320bf) + "        wfe\n" + STOP); // SEVL; WFE
        assertInstanceOf(Exit.Hypercall.class, r.exit());
        assertEquals(false, r.cpu().consumeEvent(), "WFE consumed the event SEVL set");
    }
}
