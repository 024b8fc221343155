package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.lang.foreign.MemorySegment;
import org.gunyah.vmm.hypervisor.emulated.mmu.Access;

/**
 * One AArch64 vCPU at EL1, interpreting the subset documented in {@code package-info}. Not thread
 * safe: one thread runs it; only {@link #setInterruptPending} may be called from others.
 */
public final class A64Cpu {
    static final int DAIF_I = 1 << 7;
    static final int DAIF_ALL = 0x3c0;

    final int index;
    final GuestMemory memory;
    final InterruptInterface gic;

    final long[] x = new long[31];
    long spEl0;
    long spEl1;
    boolean spSel = true;
    long pc;
    boolean n;
    boolean z;
    boolean c;
    boolean v;
    int daif = DAIF_ALL;
    long vbar;
    long elr;
    long spsr;
    long esr;
    long far;
    long tpidrEl1;
    long tpidrEl0;
    long sctlr;
    long instructions;
    final El1Registers el1 = new El1Registers();

    // The SIMD and floating-point registers V0-V31, 128 bits each as two halves, and their controls.
    final long[] vlo = new long[32];
    final long[] vhi = new long[32];
    int fpcr;
    int fpsr;

    // The local exclusive monitor (LDXR/STXR, CLREX): see Exclusives.
    final Exclusives.Monitor monitor = new Exclusives.Monitor();

    private volatile boolean interruptPending;
    private Exit.Crash crash;
    // With the MMU off (SCTLR_EL1.M = 0) every address is physical, and these one-entry caches of
    // the RAM region last used hold nothing but physical facts, valid whatever the guest does to
    // its translation registers. With it on every access goes through the TLB (Mmu).
    private GuestMemory.Region fetchRegion;
    private GuestMemory.Region dataRegion;
    final Mmu mmu;
    final MemorySpan span;

    // A load from MMIO waiting for its value.
    private boolean readPending;
    private int readRt;
    private int readSize;
    private boolean readSigned;
    private boolean readTo64;

    public A64Cpu(int index, GuestMemory memory, InterruptInterface gic) {
        this.index = index;
        this.memory = memory;
        this.gic = gic;
        this.mmu = new Mmu(this);
        this.span = new MemorySpan(this);
    }

    public long x(int reg) {
        return reg == 31 ? 0 : x[reg];
    }

    public void setX(int reg, long value) {
        if (reg != 31) {
            x[reg] = value;
        }
    }

    public long pc() {
        return pc;
    }

    /** The low 64 bits of V{@code reg}. */
    public long vLow(int reg) {
        return vlo[reg];
    }

    /** The high 64 bits of V{@code reg}. */
    public long vHigh(int reg) {
        return vhi[reg];
    }

    public void setV(int reg, long low, long high) {
        vlo[reg] = low;
        vhi[reg] = high;
    }

    public int fpcr() {
        return fpcr;
    }

    public int fpsr() {
        return fpsr;
    }

    public void setPc(long pc) {
        this.pc = pc;
    }

    public long sp() {
        return spSel ? spEl1 : spEl0;
    }

    public int daif() {
        return daif;
    }

    public long elr() {
        return elr;
    }

    public long spsr() {
        return spsr;
    }

    public long vbar() {
        return vbar;
    }

    public long instructions() {
        return instructions;
    }

    public void setInterruptPending(boolean pending) {
        interruptPending = pending;
    }

    public boolean interruptPending() {
        return interruptPending;
    }

    /** Runs up to {@code budget} instructions. Never throws for anything the guest does. */
    public Exit run(long budget) {
        if (crash != null) {
            return crash;
        }
        if (readPending) {
            throw new IllegalStateException("the MMIO read must be completed before running again");
        }
        for (long i = 0; i < budget; i++) {
            if (interruptPending && (daif & DAIF_I) == 0) {
                takeIrq();
            }
            int insn;
            Exit e;
            try {
                if ((sctlr & 1) == 0) {
                    GuestMemory.Region r = fetchRegion;
                    if (r == null || !r.contains(pc, 4)) {
                        r = memory.find(pc, 4);
                        if (r == null || (pc & 3) != 0) {
                            return crash(
                                    0,
                                    (pc & 3) != 0 ? "misaligned instruction fetch" : "instruction fetch outside RAM");
                        }
                        fetchRegion = r;
                    }
                    insn = (int) GuestMemory.load(r, pc, 4);
                } else {
                    if ((pc & 3) != 0) {
                        return crash(0, "misaligned instruction fetch");
                    }
                    // An instruction abort throws; the page of the PC is never MMIO
                    int entry = mmu.entry(pc, Access.EXECUTE, el());
                    MemorySegment page = mmu.tlb.page(entry);
                    if (page == null) {
                        return crash(
                                0,
                                String.format(
                                        "instruction fetch outside RAM (0x%x)", mmu.tlb.pagePa(entry) | (pc & 0xfff)));
                    }
                    insn = (int) GuestMemory.load(page, pc & 0xfff, 4);
                }
            } catch (RuntimeException bug) {
                return crash(0, "emulator fault: " + bug);
            }
            instructions++;
            try {
                e = Decoder.execute(this, insn);
            } catch (RuntimeException bug) {
                e = crash(insn, "emulator fault: " + bug);
            }
            if (e != null) {
                return e;
            }
        }
        return Exit.BUDGET;
    }

    /** Completes a pending MMIO read with the low bytes of {@code value}. */
    public void completeMmioRead(long value) {
        if (!readPending) {
            throw new IllegalStateException("no MMIO read is pending");
        }
        readPending = false;
        long v = value & Bits.ones(8 * readSize);
        if (readSigned) {
            v = Bits.signExtend(v, 8 * readSize);
        }
        setReg(readRt, v, readTo64);
    }

    Exit crash(int insn, String reason) {
        crash = new Exit.Crash(pc, insn, reason);
        return crash;
    }

    Exit undefined(int insn) {
        return crash(insn, "undefined or unsupported instruction");
    }

    // registers: 31 is XZR here, SP in the *Sp variants

    long reg(int r) {
        return r == 31 ? 0 : x[r];
    }

    long reg(int r, boolean sf) {
        return r == 31 ? 0 : sf ? x[r] : x[r] & Bits.W;
    }

    void setReg(int r, long value, boolean sf) {
        if (r != 31) {
            x[r] = sf ? value : value & Bits.W;
        }
    }

    long regSp(int r, boolean sf) {
        return r == 31 ? (sf ? sp() : sp() & Bits.W) : reg(r, sf);
    }

    void setRegSp(int r, long value, boolean sf) {
        long v = sf ? value : value & Bits.W;
        if (r != 31) {
            x[r] = v;
        } else if (spSel) {
            spEl1 = v;
        } else {
            spEl0 = v;
        }
    }

    boolean condition(int cond) {
        boolean result = switch (cond >> 1) {
            case 0 -> z;
            case 1 -> c;
            case 2 -> n;
            case 3 -> v;
            case 4 -> c && !z;
            case 5 -> n == v;
            case 6 -> !z && n == v;
            default -> true;
        };
        return (cond & 1) == 1 && cond != 15 ? !result : result;
    }

    int nzcv() {
        return (n ? 8 : 0) | (z ? 4 : 0) | (c ? 2 : 0) | (v ? 1 : 0);
    }

    void setNzcv(int f) {
        n = (f & 8) != 0;
        z = (f & 4) != 0;
        c = (f & 2) != 0;
        v = (f & 1) != 0;
    }

    long pstate() {
        return ((long) nzcv() << 28) | daif | (spSel ? 0b0101 : 0b0100);
    }

    private void takeIrq() {
        elr = pc;
        spsr = pstate();
        pc = vbar + (spSel ? 0x280 : 0x080);
        daif = DAIF_ALL;
        spSel = true;
    }

    void eret() {
        Exclusives.clear(this); // AArch64.ExceptionReturn: ClearExclusiveLocal
        long saved = spsr;
        setNzcv((int) (saved >>> 28) & 0xf);
        daif = (int) saved & DAIF_ALL;
        spSel = (saved & 1) != 0;
        pc = elr;
    }

    /** The current exception level. */
    int el() {
        return 1;
    }

    boolean mmuOn() {
        return (sctlr & 1) != 0;
    }

    /** The RAM region holding physical [address, address + size), or null; through the one-entry cache. */
    GuestMemory.Region dataRegion(long address, int size) {
        GuestMemory.Region r = dataRegion;
        if (r == null || !r.contains(address, size)) {
            r = memory.find(address, size);
            if (r != null) {
                dataRegion = r;
            }
        }
        return r;
    }

    /**
     * A load or store of 1..8 bytes of register {@code rt} at virtual address {@code va}: RAM
     * directly, anything else as an MMIO exit. It translates first (a fault throws before anything
     * changes), then writes {@code wbValue} back to {@code wbReg} (31 is SP; -1 for none) and
     * advances the PC, then accesses, so that an MMIO exit leaves the vCPU ready to resume. A store
     * stores rt's value from before the writeback. {@code unprivileged}: LDTR/STTR, with EL0's
     * permissions. Returns null when done in RAM.
     */
    Exit access(
            boolean load,
            long va,
            int size,
            int rt,
            boolean signed,
            boolean to64,
            boolean unprivileged,
            int wbReg,
            long wbValue) {
        if ((sctlr & 1) != 0) {
            return translatedAccess(load, va, size, rt, signed, to64, unprivileged, wbReg, wbValue);
        }
        long value = reg(rt);
        GuestMemory.Region r = dataRegion(va, size);
        writeback(wbReg, wbValue);
        if (r == null) {
            return mmio(load, va, size, rt, signed, to64, value);
        }
        if (load) {
            long v = GuestMemory.load(r, va, size);
            setReg(rt, signed ? Bits.signExtend(v, 8 * size) : v, to64);
        } else {
            GuestMemory.store(r, va, size, value);
        }
        return null;
    }

    private Exit translatedAccess(
            boolean load,
            long va,
            int size,
            int rt,
            boolean signed,
            boolean to64,
            boolean unprivileged,
            int wbReg,
            long wbValue) {
        long value = reg(rt);
        long v;
        int offset = (int) va & 0xfff;
        if (offset + size > 4096) {
            // Across a page boundary: both pages translated (and faulted) before any byte moves.
            if (!span.prepare(va, size, !load, unprivileged)) {
                return crash(0, String.format("an access across a page boundary at 0x%x is not all RAM", va));
            }
            writeback(wbReg, wbValue);
            if (!load) {
                span.write(va, size, value);
                return null;
            }
            v = span.read(va, size);
        } else {
            int entry = mmu.entry(va, load ? Access.READ : Access.WRITE, unprivileged ? 0 : el());
            MemorySegment page = mmu.tlb.page(entry);
            writeback(wbReg, wbValue);
            if (page == null) {
                return mmio(load, mmu.tlb.pagePa(entry) | offset, size, rt, signed, to64, value);
            }
            if (!load) {
                GuestMemory.store(page, offset, size, value);
                return null;
            }
            v = GuestMemory.load(page, offset, size);
        }
        setReg(rt, signed ? Bits.signExtend(v, 8 * size) : v, to64);
        return null;
    }

    /** Writeback (-1: none, 31: SP) and the PC to the next instruction: what follows the last fault. */
    void writeback(int wbReg, long wbValue) {
        if (wbReg >= 0) {
            setRegSp(wbReg, wbValue, true);
        }
        pc += 4;
    }

    private Exit mmio(boolean load, long pa, int size, int rt, boolean signed, boolean to64, long value) {
        if (load) {
            readPending = true;
            readRt = rt;
            readSize = size;
            readSigned = signed;
            readTo64 = to64;
            return new Exit.MmioRead(pa, size);
        }
        return new Exit.MmioWrite(pa, size, value & Bits.ones(8 * size));
    }

    /**
     * For the atomic classes (exclusives, LDAR/STLR, CAS, LSE): the alignment check, the
     * translation (both may fault), then the RAM region holding the naturally aligned access (its
     * aligned word for bytes and halfwords), or null when it is not RAM. The physical address of
     * {@code va} is left in {@link #atomicPa}.
     */
    GuestMemory.Region atomicRegion(long va, int size, boolean write) {
        if ((va & (size - 1)) != 0) {
            throw Aborts.alignment(this, va, write);
        }
        if ((sctlr & 1) == 0) {
            atomicPa = va;
            return size < 4 ? memory.find(va & ~3L, 4) : memory.find(va, size);
        }
        int entry = mmu.entry(va, write ? Access.WRITE : Access.READ, el());
        atomicPa = mmu.tlb.pagePa(entry) | (va & 0xfff);
        MemorySegment page = mmu.tlb.page(entry);
        return page == null ? null : new GuestMemory.Region(mmu.tlb.pagePa(entry), page);
    }

    long atomicPa;

    /** SCTLR_EL1.SA (SA0 at EL0): a load or store whose base register is SP needs SP 16-byte aligned. */
    void checkSpAlignment(int rn) {
        if (rn == 31 && (sp() & 15) != 0 && (sctlr & (el() == 0 ? 1L << 4 : 1L << 3)) != 0) {
            throw Aborts.spAlignment(this);
        }
    }
}
