package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import org.gunyah.vmm.hypervisor.emulated.translate.Region;

/**
 * What translated code calls: small static methods C2 inlines, each the interpreter's own
 * behaviour (see {@link A64Cpu#run}) for one step of a region.
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

    static void link(A64Cpu cpu, long returnAddress) {
        cpu.x[30] = returnAddress;
    }

    static boolean condition(A64Cpu cpu, int cond) {
        return cpu.condition(cond);
    }

    static long reg(A64Cpu cpu, int r, boolean sf) {
        return cpu.reg(r, sf);
    }

    static boolean irqOpen(A64Cpu cpu) {
        return (cpu.daif & A64Cpu.DAIF_I) == 0;
    }

    /** At a backward branch: whether the region must leave, for the limit or an interrupt. */
    static boolean mustStop(A64Cpu cpu, int done, int room, boolean irqOpen) {
        return done > room || irqOpen && cpu.interruptPending();
    }
}
