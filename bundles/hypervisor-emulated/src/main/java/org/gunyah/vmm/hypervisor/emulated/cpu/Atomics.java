package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Atomic memory operations (v8.1 LSE; load/store register class with bit 21 = 1 and bits 11:10 =
 * 00): LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN and SWP on 1, 2, 4 and 8 bytes,
 * with their A (acquire), L (release) and AL variants; the ST* aliases are the LD* forms with Rt =
 * ZR. Each is one atomic read-modify-write of guest RAM across vCPU threads, sequentially
 * consistent (so stronger than any of A/L asks). LDAPR (o3 = 1, opc = 100; v8.3 RCPC) and the
 * other o3 = 1 encodings are not advertised and undefined.
 *
 * <p>A misaligned atomic is an alignment fault (whatever SCTLR.A says), a fault of translation or
 * permission (write, which includes read) comes before any change; an atomic outside RAM cannot be
 * an MMIO exit and crashes the guest with the reason.
 */
final class Atomics {
    private Atomics() {}

    private static final String[] NAMES = {
        "LDADD", "LDCLR", "LDEOR", "LDSET", "LDSMAX", "LDSMIN", "LDUMAX", "LDUMIN", "SWP"
    };

    static Exit execute(A64Cpu cpu, int insn) {
        int op;
        if (!bit(insn, 15)) {
            op = bits(insn, 14, 12);
        } else if (bits(insn, 14, 12) == 0) {
            op = GuestMemory.SWP;
        } else {
            return cpu.undefined(insn);
        }
        int size = 1 << bits(insn, 31, 30);
        int rn = bits(insn, 9, 5);
        long address = cpu.regSp(rn, true);
        cpu.checkSpAlignment(rn);
        GuestMemory.Region r = cpu.atomicRegion(address, size, true);
        if (r == null) {
            return refuse(cpu, insn, NAMES[op], address, size);
        }
        long old = GuestMemory.getAndUpdate(r, cpu.atomicPa, size, op, cpu.reg(bits(insn, 20, 16)));
        cpu.setReg(bits(insn, 4, 0), old, size == 8);
        cpu.pc += 4;
        return null;
    }

    /** Crashes the guest for an atomic {@code name} outside RAM (an MMIO exit carries a plain access). */
    static Exit refuse(A64Cpu cpu, int insn, String name, long address, int size) {
        return cpu.crash(insn, String.format("%s of %d bytes at 0x%x: not in RAM", name, size, address));
    }
}
