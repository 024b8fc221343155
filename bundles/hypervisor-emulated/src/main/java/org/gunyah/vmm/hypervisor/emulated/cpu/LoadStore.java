package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

import java.lang.foreign.MemorySegment;

/**
 * The loads and stores group (op0 = x1x0) of general-purpose registers, by the Arm ARM's encoding
 * classes: load register (literal), load/store register (unscaled immediate, immediate post- and
 * pre-indexed, unprivileged, unsigned immediate, register offset), and PRFM/PRFUM as no-ops. Pairs
 * are {@link LoadStorePair}, exclusives, load-acquire/store-release and CAS {@link Exclusives}, the
 * LSE read-modify-write atomics {@link Atomics}; SIMD and FP registers (V = 1) {@link
 * SimdLoadStore}.
 *
 * <p>Each instruction computes its address and writeback, and {@link A64Cpu#access} translates
 * (a fault changes nothing: the instruction re-executes after the guest's handler), then writes
 * back and moves the PC, then accesses, so that an MMIO exit leaves the vCPU ready to resume (a
 * writeback into the transfer register is CONSTRAINED UNPREDICTABLE on hardware: the load wins
 * here, and a store stores the register's value from before the writeback, or with the MMU off,
 * where nothing can fault and the register class keeps its older and faster order, from after).
 */
final class LoadStore {
    private LoadStore() {}

    static Exit execute(A64Cpu cpu, int insn) {
        if (bit(insn, 26)) {
            return SimdLoadStore.execute(cpu, insn);
        }
        return switch (bits(insn, 29, 27)) {
            case 0b001 -> bit(insn, 24) ? cpu.undefined(insn) : Exclusives.execute(cpu, insn);
            case 0b011 -> bit(insn, 24) ? cpu.undefined(insn) : literal(cpu, insn); // 25:24 = 1x: LDAPR/STLUR
            case 0b101 -> LoadStorePair.execute(cpu, insn);
            case 0b111 -> register(cpu, insn);
            default -> cpu.undefined(insn); // MTE tags, LDAPR/STLR unscaled (v8.4), ...
        };
    }

    /** LDR (literal) of W and X, LDRSW (literal), PRFM (literal). */
    private static Exit literal(A64Cpu cpu, int insn) {
        int opc = bits(insn, 31, 30);
        long address = cpu.pc + (Bits.signExtend(bits(insn, 23, 5), 19) << 2);
        int rt = bits(insn, 4, 0);
        return switch (opc) {
            case 0 -> cpu.access(true, address, 4, rt, false, false, false, -1, 0);
            case 1 -> cpu.access(true, address, 8, rt, false, true, false, -1, 0);
            case 2 -> cpu.access(true, address, 4, rt, true, true, false, -1, 0);
            default -> next(cpu); // PRFM: a hint
        };
    }

    // The size:opc table of the single-register classes (Arm ARM C4.1.66 and on): what each
    // combination does. PRFM is size 11, opc 10; size 10 and 11 with opc 11 are unallocated.
    static final int STORE = 0, LOAD = 1, LOAD_SIGNED_X = 2, LOAD_SIGNED_W = 3, PREFETCH = 4, NONE = 5;

    static int kind(int size, int opc) {
        return switch (opc) {
            case 0 -> STORE;
            case 1 -> LOAD;
            case 2 -> size == 3 ? PREFETCH : LOAD_SIGNED_X;
            default -> size >= 2 ? NONE : LOAD_SIGNED_W;
        };
    }

    /** The load/store register classes: bits 29:27 = 111, V = 0. */
    private static Exit register(A64Cpu cpu, int insn) {
        int sizeBits = bits(insn, 31, 30);
        int size = 1 << sizeBits;
        int kind = kind(sizeBits, bits(insn, 23, 22));
        int rn = bits(insn, 9, 5);
        long address;
        int wbReg = -1;
        long wbValue = 0;
        boolean unprivileged = false;
        if (bit(insn, 24)) {
            // Unsigned offset, scaled by the size.
            if (kind == PREFETCH || kind == NONE) {
                return kind == NONE ? cpu.undefined(insn) : next(cpu);
            }
            address = cpu.regSp(rn, true) + ((long) bits(insn, 21, 10) << sizeBits);
        } else if (!bit(insn, 21)) {
            int mode = bits(insn, 11, 10);
            // 00 unscaled (LDUR, PRFUM), 01 post-index, 10 unprivileged (LDTR), 11 pre-index.
            if (kind == NONE || (kind == PREFETCH && mode != 0)) {
                return cpu.undefined(insn);
            }
            if (kind == PREFETCH) {
                return next(cpu);
            }
            long base = cpu.regSp(rn, true);
            long imm9 = Bits.signExtend(bits(insn, 20, 12), 9);
            address = mode == 1 ? base : base + imm9;
            if (mode == 1 || mode == 3) {
                wbReg = rn;
                wbValue = base + imm9;
            }
            // Unprivileged (mode 10): LDTR/STTR access memory with EL0's permissions (PSTATE.UAO
            // is not advertised); with the MMU off they are ordinary accesses.
            unprivileged = mode == 2;
        } else {
            int op4 = bits(insn, 11, 10);
            if (op4 == 0b00) {
                return Atomics.execute(cpu, insn);
            }
            int option = bits(insn, 15, 13);
            if (op4 != 0b10 || (option & 0b010) == 0 || kind == NONE) {
                return cpu.undefined(insn); // 01/11: LDRAA/LDRAB (PAC, not advertised)
            }
            if (kind == PREFETCH) {
                return next(cpu);
            }
            int shift = bit(insn, 12) ? sizeBits : 0;
            address = cpu.regSp(rn, true) + Arith.extend(cpu.reg(bits(insn, 20, 16)), option, shift);
        }
        return transfer(cpu, kind, sizeBits, rn, bits(insn, 4, 0), address, wbReg, wbValue, unprivileged);
    }

    /**
     * The access of a load or store register instruction of {@code kind} (not PREFETCH or NONE),
     * its address and writeback computed: for the interpreter and translated code, which sets the
     * PC to the instruction first.
     */
    static Exit transfer(
            A64Cpu cpu,
            int kind,
            int sizeBits,
            int rn,
            int rt,
            long address,
            int wbReg,
            long wbValue,
            boolean unprivileged) {
        int size = 1 << sizeBits;
        cpu.checkSpAlignment(rn);
        if (!cpu.mmuOn()) {
            // Nothing faults with the MMU off: the writeback and the PC go first, as the MMIO exit
            // needs, and the stored value is the register's after the writeback (CONSTRAINED
            // UNPREDICTABLE when they are the same register).
            if (wbReg >= 0) {
                cpu.setRegSp(wbReg, wbValue, true);
            }
            cpu.pc += 4;
            return switch (kind) {
                case STORE -> cpu.physicalAccess(false, address, size, rt, false, true);
                case LOAD -> cpu.physicalAccess(true, address, size, rt, false, size == 8);
                case LOAD_SIGNED_X -> cpu.physicalAccess(true, address, size, rt, true, true);
                default -> cpu.physicalAccess(true, address, size, rt, true, false);
            };
        }
        if (onRecentPage(cpu, kind, size, rt, address, wbReg, wbValue, unprivileged && cpu.el == 1)) {
            return null;
        }
        boolean signed = kind == LOAD_SIGNED_X || kind == LOAD_SIGNED_W;
        boolean to64 = kind == STORE || kind == LOAD_SIGNED_X || kind == LOAD && size == 8;
        return cpu.access(kind != STORE, address, size, rt, signed, to64, unprivileged, wbReg, wbValue);
    }

    /**
     * With the MMU on, the access when it lies on a recent page of its kind ({@link
     * A64Cpu#lastPage}), done here as {@link A64Cpu#access} would with the kind and size at hand;
     * false, having changed nothing, when it does not. Most accesses of a kernel are such, and the
     * general path is several calls deep. {@code user}: LDTR/STTR at EL1, whose pages are kept
     * apart ({@link A64Cpu#lastUserPage}); at EL0 they are ordinary accesses.
     */
    private static boolean onRecentPage(
            A64Cpu cpu, int kind, int size, int rt, long address, int wbReg, long wbValue, boolean user) {
        boolean load = kind != STORE;
        MemorySegment page = user ? cpu.lastUserPage(address, size, load) : cpu.lastPage(address, size, load);
        if (page == null) {
            return false;
        }
        long offset = address & 0xfff;
        if (load) {
            cpu.writeback(wbReg, wbValue);
            long v = GuestMemory.load(page, offset, size);
            boolean signed = kind == LOAD_SIGNED_X || kind == LOAD_SIGNED_W;
            cpu.setReg(rt, signed ? Bits.signExtend(v, 8 * size) : v, kind == LOAD_SIGNED_X || size == 8);
        } else {
            long value = cpu.reg(rt);
            cpu.writeback(wbReg, wbValue);
            GuestMemory.store(page, offset, size, value);
            cpu.memory.code().written((user ? cpu.lastUserStorePagePa() : cpu.lastStorePagePa()) | offset);
        }
        return true;
    }

    private static Exit next(A64Cpu cpu) {
        cpu.pc += 4;
        return null;
    }
}
