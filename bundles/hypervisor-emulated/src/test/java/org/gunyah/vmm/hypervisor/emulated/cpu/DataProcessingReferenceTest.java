package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The data-processing groups (immediate and register) against the reference: random instructions
 * on random operands whose results qemu-aarch64 -cpu cortex-a53 (ARMv8.0 with CRC32) recorded in
 * data-processing-vectors.txt (src/test/reference/data-processing-vectors.py regenerates it and
 * says what a line holds).
 */
class DataProcessingReferenceTest {
    private static final long BASE = 0x8000_0000L;
    private static final int HVC = 0xd400_0002;

    @Test
    void everyRecordedInstructionDoesWhatTheReferenceDid() throws IOException {
        MemorySegment ram = Arena.ofAuto().allocate(4096, 4096);
        GuestMemory memory = new GuestMemory(List.of(new GuestMemory.Region(BASE, ram)));
        List<String> wrong = new ArrayList<>();
        int cases = 0;
        for (String line : vectors()) {
            cases++;
            String[] sides = line.split(" : ");
            String[] in = sides[0].split(" ");
            int insn = Integer.parseUnsignedInt(in[0], 16);
            ram.set(GuestMemory.U32, 0, insn);
            ram.set(GuestMemory.U32, 4, HVC);
            A64Cpu cpu = new A64Cpu(0, memory, null);
            cpu.setPc(BASE);
            long[] before = new long[31];
            for (int r = 0; r < 31; r++) {
                before[r] = r < 8 ? hex(in[1 + r]) : 0x0123456789abcdefL * r;
            }
            before[20] = 0x10_0000_0000L;
            for (int r = 0; r < 31; r++) {
                cpu.setX(r, before[r]);
            }
            cpu.spEl1 = hex(in[9]);
            cpu.setNzcv(Integer.parseInt(in[10], 16));
            Exit exit = cpu.run(2);
            String got = outcome(cpu, exit, before);
            String expected = sides[1];
            if (!got.equals(expected)) {
                wrong.add(String.format("%08x (%s)%n    expected %s%n    got      %s", insn, sides[0], expected, got));
            }
        }
        assertTrue(cases > 1000, "vectors read: " + cases);
        assertEquals(List.of(), wrong, wrong.size() + " of " + cases + " differ");
    }

    /** What the cpu did, in the vectors' notation. */
    private static String outcome(A64Cpu cpu, Exit exit, long[] before) {
        if (exit instanceof Exit.Crash) {
            return "U";
        }
        if (!(exit instanceof Exit.Hypercall)) {
            return "exit " + exit;
        }
        StringBuilder s = new StringBuilder();
        s.append(Integer.toHexString(cpu.nzcv())).append(' ').append(Long.toHexString(cpu.sp()));
        for (int r = 0; r < 31; r++) {
            if (cpu.x(r) != before[r]) {
                s.append(" x").append(r).append('=').append(Long.toHexString(cpu.x(r)));
            }
        }
        return s.toString();
    }

    private static long hex(String s) {
        return Long.parseUnsignedLong(s, 16);
    }

    private static List<String> vectors() throws IOException {
        try (var in = DataProcessingReferenceTest.class.getResourceAsStream("data-processing-vectors.txt");
                var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().filter(l -> !l.startsWith("#")).toList();
        }
    }
}
