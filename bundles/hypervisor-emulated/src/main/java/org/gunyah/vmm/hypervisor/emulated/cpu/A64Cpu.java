package org.gunyah.vmm.hypervisor.emulated.cpu;

import org.gunyah.vmm.hypervisor.emulated.timer.GenericTimer;

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
    final GenericTimer timer;

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
    private GuestMemory.Region fetchRegion;
    GuestMemory.Region dataRegion;

    // A load from MMIO waiting for its value.
    private boolean readPending;
    private int readRt;
    private int readSize;
    private boolean readSigned;
    private boolean readTo64;

    public A64Cpu(int index, GuestMemory memory, InterruptInterface gic) {
        this(index, memory, gic, GenericTimer.unwired());
    }

    public A64Cpu(int index, GuestMemory memory, InterruptInterface gic, GenericTimer timer) {
        this.index = index;
        this.memory = memory;
        this.gic = gic;
        this.timer = timer;
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
            GuestMemory.Region r = fetchRegion;
            if (r == null || !r.contains(pc, 4)) {
                r = memory.find(pc, 4);
                if (r == null || (pc & 3) != 0) {
                    return crash(0, (pc & 3) != 0 ? "misaligned instruction fetch" : "instruction fetch outside RAM");
                }
                fetchRegion = r;
            }
            int insn = (int) GuestMemory.load(r, pc, 4);
            instructions++;
            Exit e;
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

    /**
     * A load or store of 1..8 bytes at {@code address}: RAM directly, anything else as an MMIO
     * exit. Returns null when done in RAM. The caller has already applied writeback and advanced
     * the PC, so an exit leaves the vCPU ready to resume.
     */
    Exit access(boolean load, long address, int size, int rt, boolean signed, boolean to64) {
        GuestMemory.Region r = dataRegion;
        if (r == null || !r.contains(address, size)) {
            r = memory.find(address, size);
            if (r == null) {
                if (load) {
                    readPending = true;
                    readRt = rt;
                    readSize = size;
                    readSigned = signed;
                    readTo64 = to64;
                    return new Exit.MmioRead(address, size);
                }
                return new Exit.MmioWrite(address, size, reg(rt) & Bits.ones(8 * size));
            }
            dataRegion = r;
        }
        if (load) {
            long v = GuestMemory.load(r, address, size);
            setReg(rt, signed ? Bits.signExtend(v, 8 * size) : v, to64);
        } else {
            GuestMemory.store(r, address, size, reg(rt));
        }
        return null;
    }
}
