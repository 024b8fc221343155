package org.gunyah.vmm.hypervisor.emulated.cpu;

/**
 * SYS: the cache, TLB and address-translation maintenance instructions of EL1 (DC, IC, TLBI, AT).
 * One interpreter with coherent memory and no caches needs none of them; DC ZVA zeroes its block.
 * TLBI and IC will invalidate the software TLB and decoded code once there are such things (the
 * Linux platform); today they are the no-ops they are allowed to be. AT translates with stage 1
 * off, as the vCPU runs today: the output address is the input, reported in PAR_EL1. Encodings of
 * EL2 and EL3, and of extensions we do not advertise, are UNDEFINED.
 */
final class CacheAndTlb {
    private CacheAndTlb() {}

    static Exit execute(A64Cpu cpu, int insn, int op1, int crn, int crm, int op2, int rt) {
        int op = op1 << 7 | crm << 3 | op2;
        Exit e;
        if (crn == 7) {
            e = cacheOrAt(cpu, insn, op, rt);
        } else if (crn == 8 && op1 == 0 && (crm == 3 || crm == 7) && op2 != 4 && op2 != 6) {
            e = null; // TLBI VMALLE1(IS), VAE1(IS), ASIDE1(IS), VAAE1(IS), VALE1(IS), VAALE1(IS)
        } else {
            e = cpu.undefined(insn);
        }
        if (e == null) {
            cpu.pc += 4;
        }
        return e;
    }

    private static Exit cacheOrAt(A64Cpu cpu, int insn, int op, int rt) {
        return switch (op) {
            // IC IALLUIS, IALLU, IVAU
            case 0 << 7 | 1 << 3 | 0, 0 << 7 | 5 << 3 | 0, 3 << 7 | 5 << 3 | 1 -> null;
            // DC IVAC, ISW, CSW, CISW, CVAC, CVAU, CIVAC
            case 0 << 7 | 6 << 3 | 1,
                    0 << 7 | 6 << 3 | 2,
                    0 << 7 | 10 << 3 | 2,
                    0 << 7 | 14 << 3 | 2,
                    3 << 7 | 10 << 3 | 1,
                    3 << 7 | 11 << 3 | 1,
                    3 << 7 | 14 << 3 | 1 -> null;
            case 3 << 7 | 4 << 3 | 1 -> zeroBlock(cpu, insn, cpu.reg(rt));
            // AT S1E1R, S1E1W, S1E0R, S1E0W: stage 1 is off, so the output address is the input
            case 0 << 7 | 8 << 3 | 0, 0 << 7 | 8 << 3 | 1, 0 << 7 | 8 << 3 | 2, 0 << 7 | 8 << 3 | 3 -> {
                cpu.el1.par = cpu.reg(rt) & 0x0000_ffff_ffff_f000L;
                yield null;
            }
            default -> cpu.undefined(insn);
        };
    }

    /** DC ZVA: the naturally aligned block of {@link IdRegisters#DC_ZVA_BYTES} holding the address. */
    private static Exit zeroBlock(A64Cpu cpu, int insn, long address) {
        long block = address & -(long) IdRegisters.DC_ZVA_BYTES;
        GuestMemory.Region r = cpu.memory.find(block, IdRegisters.DC_ZVA_BYTES);
        if (r == null) {
            return cpu.crash(insn, String.format("DC ZVA of 0x%x outside RAM", block));
        }
        r.segment().asSlice(block - r.base(), IdRegisters.DC_ZVA_BYTES).fill((byte) 0);
        return null;
    }
}
