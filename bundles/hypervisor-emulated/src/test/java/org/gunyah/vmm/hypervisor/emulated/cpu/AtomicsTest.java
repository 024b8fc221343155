package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The LSE atomics (Atomics) on one vCPU, one behaviour per test. Encodings are GNU as's. */
class AtomicsTest {
    static final long MEMORY = 0xf0e0d0c0b0a09080L;
    static final long OPERAND = 0x123456789abc0001L;

    private static Machine.Result run(int word, int offset) {
        Machine m = new Machine(String.format("""
                    .word 0x%08x
                    hvc #0
                    .balign 16
            var:    .quad 0x%016x, 0
            """, word, MEMORY));
        A64Cpu cpu = m.cpu(0);
        cpu.setX(1, m.symbol("var") + offset);
        cpu.setX(2, OPERAND);
        cpu.setX(3, 0x5555_5555_5555_5555L);
        return new Machine.Result(m, cpu, cpu.run(10));
    }

    private static long memory(Machine.Result r) {
        return r.machine().load64(r.machine().symbol("var"));
    }

    /**
     * Each operation, size and ordering variant: Rs = x2 = OPERAND, Rt = x3, [x1] at the given
     * offset into a doubleword holding MEMORY. The expected old value (Rt, zero-extended) and the
     * doubleword after are qemu-aarch64's (-cpu max) for the same instruction and operands.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ldaddb, 38220023, 3, 00000000000000b0, f0e0d0c0b1a09080",
        "ldaddah, 78a20023, 6, 000000000000f0e0, f0e1d0c0b0a09080",
        "ldaddl, b8620023, 4, 00000000f0e0d0c0, 8b9cd0c1b0a09080",
        "ldaddal, f8e20023, 0, f0e0d0c0b0a09080, 031527394b5c9081",
        "ldclrb, 38221023, 3, 00000000000000b0, f0e0d0c0b0a09080",
        "ldclrah, 78a21023, 6, 000000000000f0e0, f0e0d0c0b0a09080",
        "ldclrl, b8621023, 4, 00000000f0e0d0c0, 6040d0c0b0a09080",
        "ldclral, f8e21023, 0, f0e0d0c0b0a09080, e0c0808020009080",
        "ldeorb, 38222023, 3, 00000000000000b0, f0e0d0c0b1a09080",
        "ldeorah, 78a22023, 6, 000000000000f0e0, f0e1d0c0b0a09080",
        "ldeorl, b8622023, 4, 00000000f0e0d0c0, 6a5cd0c1b0a09080",
        "ldeoral, f8e22023, 0, f0e0d0c0b0a09080, e2d486b82a1c9081",
        "ldsetb, 38223023, 3, 00000000000000b0, f0e0d0c0b1a09080",
        "ldsetah, 78a23023, 6, 000000000000f0e0, f0e1d0c0b0a09080",
        "ldsetl, b8623023, 4, 00000000f0e0d0c0, fafcd0c1b0a09080",
        "ldsetal, f8e23023, 0, f0e0d0c0b0a09080, f2f4d6f8babc9081",
        "ldsmaxb, 38224023, 3, 00000000000000b0, f0e0d0c001a09080",
        "ldsmaxah, 78a24023, 6, 000000000000f0e0, 0001d0c0b0a09080",
        "ldsmaxl, b8624023, 4, 00000000f0e0d0c0, f0e0d0c0b0a09080",
        "ldsmaxal, f8e24023, 0, f0e0d0c0b0a09080, 123456789abc0001",
        "ldsminb, 38225023, 3, 00000000000000b0, f0e0d0c0b0a09080",
        "ldsminah, 78a25023, 6, 000000000000f0e0, f0e0d0c0b0a09080",
        "ldsminl, b8625023, 4, 00000000f0e0d0c0, 9abc0001b0a09080",
        "ldsminal, f8e25023, 0, f0e0d0c0b0a09080, f0e0d0c0b0a09080",
        "ldumaxb, 38226023, 3, 00000000000000b0, f0e0d0c0b0a09080",
        "ldumaxah, 78a26023, 6, 000000000000f0e0, f0e0d0c0b0a09080",
        "ldumaxl, b8626023, 4, 00000000f0e0d0c0, f0e0d0c0b0a09080",
        "ldumaxal, f8e26023, 0, f0e0d0c0b0a09080, f0e0d0c0b0a09080",
        "lduminb, 38227023, 3, 00000000000000b0, f0e0d0c001a09080",
        "lduminah, 78a27023, 6, 000000000000f0e0, 0001d0c0b0a09080",
        "lduminl, b8627023, 4, 00000000f0e0d0c0, 9abc0001b0a09080",
        "lduminal, f8e27023, 0, f0e0d0c0b0a09080, 123456789abc0001",
        "swpb, 38228023, 3, 00000000000000b0, f0e0d0c001a09080",
        "swpah, 78a28023, 6, 000000000000f0e0, 0001d0c0b0a09080",
        "swpl, b8628023, 4, 00000000f0e0d0c0, 9abc0001b0a09080",
        "swpal, f8e28023, 0, f0e0d0c0b0a09080, 123456789abc0001"
    })
    void eachOperationReturnsTheOldValueAndUpdatesMemory(
            String mnemonic, String word, int offset, String old, String after) {
        var r = run(Integer.parseUnsignedInt(word, 16), offset);
        assertInstanceOf(Exit.Hypercall.class, r.exit(), () -> r.exit().toString());
        assertEquals(Long.parseUnsignedLong(old, 16), r.x(3), "old value");
        assertEquals(Long.parseUnsignedLong(after, 16), memory(r), "memory");
    }

    @Test
    void theStoreAliasesUpdateMemoryAndWriteNoRegister() {
        var r = run(0xb822003f, 4); // stadd w2, [x1]
        assertEquals(0x8b9c_d0c1_b0a0_9080L, memory(r));
        assertEquals(0x5555_5555_5555_5555L, r.x(3));
    }

    @Test
    void aSignedMaximumStoreAliasOnAHalfwordComparesSigned() {
        var r = run(0x7822403f, 6); // stsmaxh w2, [x1]: max(0xf0e0 = -3872, 1) = 1
        assertEquals(0x0001_d0c0_b0a0_9080L, memory(r));
    }

    @Test
    void loadAcquireRcpcIsUndefinedSinceItIsNotAdvertised() {
        assertInstanceOf(Exit.Crash.class, run(0xf8bfc022, 0).exit()); // ldapr x2, [x1]
    }

    @Test
    void otherEncodingsWithO3SetAreUndefined() {
        assertInstanceOf(Exit.Crash.class, run(0xf8229023, 0).exit());
    }

    @Test
    void aMisalignedAtomicIsAnAlignmentFault() {
        var r = run(0x78a20023, 3); // ldaddah
        assertEquals(0x9600_0061L, r.cpu().esr(), "data abort, same EL, WnR, DFSC alignment fault");
    }

    @Test
    void anAtomicOutsideRamCrashes() {
        Machine m = new Machine(".word 0xf8e20023  // ldaddal x2, x3, [x1]\n");
        A64Cpu cpu = m.cpu(0);
        cpu.setX(1, 0x0900_0000L);
        Exit.Crash crash = assertInstanceOf(Exit.Crash.class, cpu.run(10));
        assertTrue(crash.reason().contains("not in RAM"), crash.reason());
    }
}
