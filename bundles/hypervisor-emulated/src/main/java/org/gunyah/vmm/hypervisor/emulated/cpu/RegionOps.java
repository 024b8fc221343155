package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import org.gunyah.vmm.hypervisor.emulated.translate.Region;

/**
 * What translated code calls: small static methods C2 inlines, each the interpreter's own
 * behaviour (see {@link A64Cpu#run}) for one step of a region, or its arithmetic over values the
 * region holds in its locals.
 */
final class RegionOps {
    /** Defines the regions in this package, so that they may call what follows. */
    static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    private RegionOps() {}

    /** One instruction, with the PC at it, as the interpreter runs it. */
    static Exit step(A64Cpu cpu, long at, int insn) {
        cpu.pc = at;
        return Decoder.execute(cpu, insn);
    }

    /** Leaves with the exit of the last instruction (it set the PC). */
    static Exit leave(A64Cpu cpu, int done, Exit e) {
        cpu.instructions += done;
        return e;
    }

    /** Leaves for the code at {@code pc}. */
    static Exit leave(A64Cpu cpu, int done, long pc) {
        cpu.instructions += done;
        cpu.pc = pc;
        return null;
    }

    /**
     * Leaves before the instruction at {@code pc}, which the region does not translate: the
     * interpreter runs it, and the instruction after it is a head (it may start a region).
     */
    static Exit stopAt(A64Cpu cpu, int done, long pc) {
        cpu.instructions += done;
        cpu.pc = pc;
        cpu.stoppedBefore = true;
        return null;
    }

    /**
     * The instruction at {@code at} threw: as in {@link A64Cpu#run}, a guest fault is taken with
     * the PC at the instruction, anything else crashes the vCPU.
     */
    static Exit fault(RuntimeException thrown, A64Cpu cpu, long at, int done, Region region) {
        cpu.instructions += done;
        if (thrown instanceof GuestFault f) {
            cpu.pc = at;
            return Exceptions.takeSynchronous(cpu, f.syndrome, f.far, f.farValid, at, f.instruction);
        }
        return cpu.crash(region.instruction(at), "emulator fault: " + thrown);
    }

    /**
     * A load or store register with an immediate offset: {@code mode} 0 at base + offset, 1
     * post-indexed, 3 pre-indexed (as LDR/STR encode it); {@code kind} as {@link LoadStore#kind}.
     */
    static Exit loadStore(A64Cpu cpu, long at, int kind, int sizeBits, int rn, int rt, long offset, int mode) {
        cpu.pc = at;
        long base = cpu.regSp(rn, true);
        long address = mode == 1 ? base : base + offset;
        int wbReg = mode == 0 ? -1 : rn;
        if (onLastPage(cpu, kind, sizeBits, rn, rt, address, wbReg, base + offset)) {
            return null;
        }
        return LoadStore.transfer(cpu, kind, sizeBits, rn, rt, address, wbReg, base + offset, false);
    }

    /**
     * LDTR/STTR and their sizes: an access with EL0's permissions at EL1 (an ordinary one at EL0
     * or with the MMU off), on the recent page of its kind when it can be (LoadStore.transfer).
     */
    static Exit loadStoreUnprivileged(A64Cpu cpu, long at, int kind, int sizeBits, int rn, int rt, long offset) {
        cpu.pc = at;
        long address = cpu.regSp(rn, true) + offset;
        return LoadStore.transfer(cpu, kind, sizeBits, rn, rt, address, -1, 0, true);
    }

    /** A load or store register with a register offset, extended and shifted. */
    static Exit loadStoreRegister(
            A64Cpu cpu, long at, int kind, int sizeBits, int rn, int rt, int rm, int option, int shift) {
        cpu.pc = at;
        long address = cpu.regSp(rn, true) + Arith.extend(cpu.reg(rm), option, shift);
        if (onLastPage(cpu, kind, sizeBits, rn, rt, address, -1, 0)) {
            return null;
        }
        return LoadStore.transfer(cpu, kind, sizeBits, rn, rt, address, -1, 0, false);
    }

    /**
     * With the MMU on, a load or store register whose access lies on the page of the vCPU's last
     * load (or store), done here as {@link LoadStore#transfer} would (SP alignment, writeback and
     * PC, then the access) with the size and kind known; false, having changed nothing, when it
     * does not.
     */
    private static boolean onLastPage(
            A64Cpu cpu, int kind, int sizeBits, int rn, int rt, long address, int wbReg, long wbValue) {
        int size = 1 << sizeBits;
        boolean load = kind != LoadStore.STORE;
        MemorySegment page = cpu.lastPage(address, size, load);
        if (page == null) {
            return false;
        }
        cpu.checkSpAlignment(rn);
        long offset = address & 0xfff;
        if (load) {
            cpu.writeback(wbReg, wbValue);
            long v = GuestMemory.load(page, offset, size);
            boolean signed = kind == LoadStore.LOAD_SIGNED_X || kind == LoadStore.LOAD_SIGNED_W;
            boolean to64 = kind == LoadStore.LOAD_SIGNED_X || kind == LoadStore.LOAD && size == 8;
            cpu.setReg(rt, signed ? Bits.signExtend(v, 8 * size) : v, to64);
        } else {
            long value = cpu.reg(rt);
            cpu.writeback(wbReg, wbValue);
            GuestMemory.store(page, offset, size, value);
            cpu.memory.code().written(cpu.lastStorePagePa() | offset);
        }
        return true;
    }

    /** A load or store pair (LDP, STP, LDPSW, LDNP, STNP). */
    static Exit loadStorePair(
            A64Cpu cpu, long at, int insn, int opc, boolean load, int mode, int rt, int rt2, int rn, long offset) {
        cpu.pc = at;
        return LoadStorePair.transfer(cpu, insn, opc, load, mode, rt, rt2, rn, offset);
    }

    /** ADR, ADRP: the address is known when translating. */
    static void setX(A64Cpu cpu, int rd, long value) {
        cpu.setReg(rd, value, true);
    }

    static boolean irqOpen(A64Cpu cpu) {
        return (cpu.daif & A64Cpu.DAIF_I) == 0;
    }

    /** At a backward branch: whether the region must leave, for the limit or an interrupt. */
    static boolean mustStop(A64Cpu cpu, int done, int room, boolean irqOpen) {
        return done > room || irqOpen && cpu.interruptPending();
    }

    // What inline code calls: pure functions over register values (held in the region's locals),
    // each the interpreter's own arithmetic (Arith, DataImmediate, DataRegister, DataSources) for
    // one class, with the constant fields C2 folds.

    static long sp(A64Cpu cpu) {
        return cpu.sp();
    }

    static void setSp(A64Cpu cpu, long value) {
        cpu.setRegSp(31, value, true);
    }

    /** SCTLR_EL1.SA(0) for an access whose base is SP: may throw the alignment fault. */
    static void checkSp(A64Cpu cpu) {
        cpu.checkSpAlignment(31);
    }

    /** a + b + carry on 32 or 64 bits, as {@link Arith#add} (32 bits: zero-extended). */
    static long add(long a, long b, boolean carry, boolean sf) {
        long cin = carry ? 1 : 0;
        return sf ? a + b + cin : ((a & Bits.W) + (b & Bits.W) + cin) & Bits.W;
    }

    static boolean addC(long a, long b, boolean carry, boolean sf) {
        if (sf) {
            long result = a + b + (carry ? 1 : 0);
            return Long.compareUnsigned(result, a) < 0 || (carry && result == a);
        }
        return ((a & Bits.W) + (b & Bits.W) + (carry ? 1 : 0)) >>> 32 != 0;
    }

    static boolean addV(long a, long b, boolean carry, boolean sf) {
        long cin = carry ? 1 : 0;
        if (sf) {
            long result = a + b + cin;
            return ((a ^ result) & (b ^ result)) < 0;
        }
        long sum = (long) (int) a + (int) b + cin;
        return sum != (int) sum;
    }

    static boolean negative(long result, boolean sf) {
        return sf ? result < 0 : (int) result < 0;
    }

    static boolean zero(long result, boolean sf) {
        return (sf ? result : result & Bits.W) == 0;
    }

    /** As {@link A64Cpu#condition}, over flags held elsewhere. */
    static boolean holds(int cond, boolean n, boolean z, boolean c, boolean v) {
        return A64Cpu.holds(cond, n, z, c, v);
    }

    /** AND (and ANDS), ORR, EOR of {@code opc}. */
    static long logic(long a, long b, int opc) {
        return switch (opc) {
            case 0, 3 -> a & b;
            case 1 -> a | b;
            default -> a ^ b;
        };
    }

    /** SBFM, BFM, UBFM of {@code src} (and {@code dst}, BFM), as {@link DataImmediate#bitfield}. */
    static long bitfield(long src, long dst, int opc, boolean sf, int immr, int imms) {
        return DataImmediate.bitfield(src, dst, opc, sf, immr, imms);
    }

    /** CSEL, CSINC, CSINV, CSNEG. */
    static long select(boolean holds, long n, long m, int kind) {
        if (holds) {
            return n;
        }
        return switch (kind) {
            case 0 -> m;
            case 1 -> m + 1;
            case 2 -> ~m;
            default -> -m;
        };
    }

    /** The 3-source class of {@link DataSources#multiply}, over the registers' 64-bit values. */
    static long multiply(long n, long m, long a, boolean sf, int op31, boolean o0) {
        return switch (op31) {
            case 0 -> {
                long product = (sf ? n : n & Bits.W) * (sf ? m : m & Bits.W);
                long acc = sf ? a : a & Bits.W;
                yield o0 ? acc - product : acc + product;
            }
            case 1, 5 -> {
                long product = op31 == 1 ? (long) (int) n * (int) m : (n & Bits.W) * (m & Bits.W);
                yield o0 ? a - product : a + product;
            }
            case 2 -> Math.multiplyHigh(n, m);
            default -> Math.unsignedMultiplyHigh(n, m);
        };
    }

    /**
     * The memory a load or store of {@code size} bytes at {@code address} reaches without leaving
     * translated code: with the MMU off the RAM region of the last access, with it on the page of
     * the last load (or store); null when it takes the interpreter's path (another region, MMIO,
     * another page, a TLB change, a page boundary).
     */
    static MemorySegment fastMemory(A64Cpu cpu, long address, int size, boolean load) {
        if ((cpu.sctlr & 1) == 0) {
            GuestMemory.Region r = cpu.dataRegion(address, size);
            return r == null ? null : r.segment();
        }
        return cpu.lastPage(address, size, load);
    }

    /** The load at {@code address} from what {@link #fastMemory} gave, extended as {@code kind} says. */
    static long fastLoad(A64Cpu cpu, MemorySegment memory, long address, int sizeBits, int kind) {
        int size = 1 << sizeBits;
        long offset = (cpu.sctlr & 1) == 0 ? address - cpu.dataRegionBase() : address & 0xfff;
        long v = GuestMemory.load(memory, offset, size);
        boolean signed = kind == LoadStore.LOAD_SIGNED_X || kind == LoadStore.LOAD_SIGNED_W;
        boolean to64 = kind == LoadStore.LOAD_SIGNED_X || kind == LoadStore.LOAD && size == 8;
        if (signed) {
            v = Bits.signExtend(v, 8 * size);
        }
        return to64 ? v : v & Bits.W;
    }

    /** The store at {@code address} to what {@link #fastMemory} gave, and the code cache told. */
    static void fastStore(A64Cpu cpu, MemorySegment memory, long address, int sizeBits, long value) {
        int size = 1 << sizeBits;
        if ((cpu.sctlr & 1) == 0) {
            GuestMemory.store(memory, address - cpu.dataRegionBase(), size, value);
            cpu.memory.code().written(address);
        } else {
            long offset = address & 0xfff;
            GuestMemory.store(memory, offset, size, value);
            cpu.memory.code().written(cpu.lastStorePagePa() | offset);
        }
    }
}
