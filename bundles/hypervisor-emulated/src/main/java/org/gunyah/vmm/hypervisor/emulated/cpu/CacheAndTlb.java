package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.lang.foreign.MemorySegment;
import org.gunyah.vmm.hypervisor.emulated.mmu.Access;
import org.gunyah.vmm.hypervisor.emulated.mmu.Fault;
import org.gunyah.vmm.hypervisor.emulated.mmu.Invalidation;
import org.gunyah.vmm.hypervisor.emulated.mmu.Stage1;
import org.gunyah.vmm.hypervisor.emulated.mmu.Translation;

/**
 * SYS: the cache, TLB and address-translation maintenance instructions of EL1 (DC, IC, TLBI, AT).
 *
 * <ul>
 *   <li>Caches: with coherent memory DC (but ZVA) is a no-op. IC IVAU and IALLU(IS) drop the
 *       translated code of what they name (the interpreter fetches from RAM every time): what was
 *       written without a store the translations watch (a device's DMA, a host loader) is seen
 *       after them, as the architecture requires.
 *   <li>DC ZVA zeroes its {@link IdRegisters#DC_ZVA_BYTES}-byte block: a write, translated and
 *       checked as one (a data abort with WnR).
 *   <li>TLBI VMALLE1, VAE1, ASIDE1, VAAE1, VALE1, VAALE1 invalidate this vCPU's TLB; their IS forms
 *       (CRm 3) every vCPU's of the VM (see {@link org.gunyah.vmm.hypervisor.emulated.mmu.Tlb} for
 *       when the others see it).
 *   <li>AT S1E1R/W, S1E0R/W walk the tables as an access of that kind at that EL would, and write
 *       PAR_EL1: the PA and attributes, or F = 1 and the fault status. They never fault. With the
 *       MMU off the output is the input, Device-nGnRnE, outer shareable.
 * </ul>
 *
 * Encodings of EL2 and EL3, and of extensions we do not advertise, are UNDEFINED.
 */
final class CacheAndTlb {
    private CacheAndTlb() {}

    static final long PAR_F = 1;
    static final long PAR_RES1 = 1L << 11;

    static Exit execute(A64Cpu cpu, int insn, int op1, int crn, int crm, int op2, int rt) {
        int op = op1 << 7 | crm << 3 | op2;
        Exit e;
        if (crn == 7) {
            e = cacheOrAt(cpu, insn, op, rt);
        } else if (crn == 8 && op1 == 0 && (crm == 3 || crm == 7) && op2 != 4 && op2 != 6) {
            e = tlbi(cpu, crm == 3, op2, cpu.reg(rt));
        } else {
            e = cpu.undefined(insn);
        }
        if (e == null) {
            cpu.pc += 4;
        }
        return e;
    }

    private static Exit tlbi(A64Cpu cpu, boolean broadcast, int op2, long xt) {
        Invalidation op = Invalidation.ofTlbi(op2, xt, (cpu.el1.tcr & 1L << 36) != 0);
        if (broadcast) {
            cpu.memory.tlbs().broadcast(cpu.mmu.tlb, op);
        } else {
            cpu.mmu.tlb.invalidate(op);
        }
        return null;
    }

    private static Exit cacheOrAt(A64Cpu cpu, int insn, int op, int rt) {
        return switch (op) {
            // IC IALLUIS, IALLU: every translation of the VM goes (the IS form's reach; IALLU's is
            // this vCPU's, but translations are shared)
            case 0 << 7 | 1 << 3 | 0, 0 << 7 | 5 << 3 | 0 -> {
                cpu.memory.code().invalidateAll();
                yield null;
            }
            case 3 << 7 | 5 << 3 | 1 -> invalidateCode(cpu, cpu.reg(rt)); // IC IVAU
            // DC IVAC, ISW, CSW, CISW, CVAC, CVAU, CIVAC
            case 0 << 7 | 6 << 3 | 1,
                    0 << 7 | 6 << 3 | 2,
                    0 << 7 | 10 << 3 | 2,
                    0 << 7 | 14 << 3 | 2,
                    3 << 7 | 10 << 3 | 1,
                    3 << 7 | 11 << 3 | 1,
                    3 << 7 | 14 << 3 | 1 -> null;
            case 3 << 7 | 4 << 3 | 1 -> zeroBlock(cpu, insn, cpu.reg(rt));
            // AT S1E1R, S1E1W, S1E0R, S1E0W
            case 0 << 7 | 8 << 3 | 0, 0 << 7 | 8 << 3 | 1, 0 << 7 | 8 << 3 | 2, 0 << 7 | 8 << 3 | 3 -> {
                int op2 = op & 7;
                cpu.el1.par = addressTranslate(
                        cpu, cpu.reg(rt), (op2 & 1) != 0 ? Access.WRITE : Access.READ, op2 >> 1 == 1 ? 0 : 1);
                yield null;
            }
            default -> cpu.undefined(insn);
        };
    }

    /**
     * IC IVAU: the translations of the page holding {@code va} go. It does not fault here (it never
     * did): where {@code va} does not translate, every translation goes instead.
     */
    private static Exit invalidateCode(A64Cpu cpu, long va) {
        if (!cpu.mmuOn()) {
            cpu.memory.code().invalidatePage(va);
        } else if (cpu.mmu.regime().walk(va, cpu.memory) instanceof Translation t) {
            cpu.memory.code().invalidatePage(t.pagePa());
        } else {
            cpu.memory.code().invalidateAll();
        }
        return null;
    }

    /** PAR_EL1 for translating {@code va} for {@code access} with the permissions of {@code el}. */
    static long addressTranslate(A64Cpu cpu, long va, int access, int el) {
        if (!cpu.mmuOn()) {
            return va & Stage1.ADDRESS_MASK | 0b10L << 7 | PAR_RES1; // Device-nGnRnE (ATTR 0), outer shareable
        }
        Stage1.Result result = cpu.mmu.regime().walk(va, cpu.memory);
        Fault fault;
        if (result instanceof Translation t) {
            if (t.allows(access, el)) {
                return (long) t.attributes() << 56 | t.pagePa() | (long) t.shareability() << 7 | PAR_RES1;
            }
            fault = new Fault(Fault.Kind.PERMISSION, t.level());
        } else {
            fault = (Fault) result;
        }
        return (long) fault.statusCode() << 1 | PAR_F | PAR_RES1;
    }

    /** DC ZVA: the naturally aligned block of {@link IdRegisters#DC_ZVA_BYTES} holding the address. */
    private static Exit zeroBlock(A64Cpu cpu, int insn, long address) {
        long block = address & -(long) IdRegisters.DC_ZVA_BYTES;
        MemorySegment memory;
        long offset;
        if (cpu.mmuOn()) {
            int entry = cpu.mmu.entry(block, Access.WRITE, cpu.el);
            memory = cpu.mmu.tlb.page(entry);
            offset = block & 0xfff;
            block = cpu.mmu.tlb.pagePa(entry) | offset;
        } else {
            GuestMemory.Region r = cpu.memory.find(block, IdRegisters.DC_ZVA_BYTES);
            memory = r == null ? null : r.segment();
            offset = r == null ? 0 : block - r.base();
        }
        if (memory == null) {
            return cpu.crash(insn, String.format("DC ZVA of 0x%x outside RAM", block));
        }
        memory.asSlice(offset, IdRegisters.DC_ZVA_BYTES).fill((byte) 0);
        cpu.memory.code().written(block, IdRegisters.DC_ZVA_BYTES);
        return null;
    }
}
