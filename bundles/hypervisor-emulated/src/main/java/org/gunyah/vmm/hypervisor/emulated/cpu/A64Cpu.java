package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.OptionalInt;
import org.gunyah.vmm.api.VcpuPosition;
import org.gunyah.vmm.hypervisor.emulated.mmu.Access;
import org.gunyah.vmm.hypervisor.emulated.mmu.Tlb;
import org.gunyah.vmm.hypervisor.emulated.mmu.Translation;
import org.gunyah.vmm.hypervisor.emulated.timer.GenericTimer;
import org.gunyah.vmm.hypervisor.emulated.translate.Region;

/**
 * One AArch64 vCPU at EL0 and EL1, interpreting the instruction set documented in {@code
 * package-info}, with the exception model of {@link Exceptions}. Not thread safe: one thread runs
 * it; only {@link #setInterruptPending} and {@link #sendEvent} may be called from others.
 */
public final class A64Cpu {
    static final int DAIF_I = 1 << 7;
    static final int DAIF_ALL = 0x3c0;
    static final long SCTLR_UMA = 1L << 9;
    static final long SCTLR_DZE = 1L << 14;
    static final long SCTLR_UCT = 1L << 15;
    static final long SCTLR_NTWI = 1L << 16;
    static final long SCTLR_NTWE = 1L << 18;
    static final long SCTLR_UCI = 1L << 26;

    final int index;
    final GuestMemory memory;
    final InterruptInterface gic;
    final GenericTimer timer;

    final long[] x = new long[31];
    long spEl0;
    long spEl1;
    /** The exception level, 0 or 1; the vCPU starts at EL1, as a Gunyah guest does. */
    int el = 1;
    /** Whether SP is SP_EL1: PSTATE.SPSel at EL1, always false at EL0. */
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

    /** Whether FP and AdvSIMD instructions may run at the current EL (CPACR_EL1.FPEN). */
    boolean fpEnabled = true;
    /** The event register of WFE, set by SEV on any vCPU, SEVL, and exception return. */
    private volatile boolean event;
    /** What SEV does: sets the event register of every vCPU of the VM (the platform's to say). */
    Runnable events = this::sendEvent;

    // The last synchronous exception taken, for the crash report when the guest cannot take the next.
    int lastSyndrome;
    long lastFar;
    boolean lastFarValid;
    long lastPc;
    int lastInstruction;

    private volatile boolean interruptPending;
    private Exit.Crash crash;
    // With the MMU off (SCTLR_EL1.M = 0) every address is physical, and these one-entry caches of
    // the RAM region last used hold nothing but physical facts, valid whatever the guest does to
    // its translation registers. With it on every access goes through the TLB (Mmu).
    private GuestMemory.Region fetchRegion;
    private GuestMemory.Region dataRegion;
    // With it on, the RAM pages of the last fetch, load and store: VA page, host memory, physical
    // page and the TLB's epoch when translated. Valid for the same EL and ASID (both changes clear
    // them) until the TLB applies an invalidation; they save the TLB lookup of most accesses (code,
    // stack and the data at hand stay on a few pages).
    private long fetchVaPage = -1;
    private MemorySegment fetchPage;
    private int fetchEpoch;
    private long loadVaPage = -1;
    private MemorySegment loadPage;
    private int loadEpoch;
    private long loadPagePa;
    private long storeVaPage = -1;
    private MemorySegment storePage;
    private int storeEpoch;
    private long storePagePa;
    // Behind the last load and store pages, those of the recent loads and stores, direct-mapped by
    // VA page and tagged with the EL they were checked for, valid until the ASID changes or the
    // TLB applies an invalidation: a kernel goes back and forth between its stack, the structures
    // at hand and the pages it copies, more than one page of each kind, and comes back to them
    // after each exception. Allocated at the first fill, as the TLB is.
    private static final int DATA_PAGES = 64;
    private final DataPages loads = new DataPages();
    private final DataPages stores = new DataPages();
    // The same for LDTR/STTR at EL1, whose pages were checked with EL0's permissions (PAN is not
    // implemented: EL0's permission alone decides). Copies to and from user memory (the kernel's
    // copy_to_user and copy_from_user) make one of these per word.
    private long userLoadVaPage = -1;
    private MemorySegment userLoadPage;
    private int userLoadEpoch;
    private long userLoadPagePa;
    private long userStoreVaPage = -1;
    private MemorySegment userStorePage;
    private int userStoreEpoch;
    private long userStorePagePa;
    private long dataPagePa;
    final Mmu mmu;
    final MemorySpan span;
    /** The translator's state for this vCPU, null when translation is off. */
    private TranslatedCode translated = TranslatedCode.fromProperties();
    /** Whether the PC is a head: reached by a branch taken, an exception, or from outside. */
    private boolean head = true;
    /** Whether a region left before the instruction at the PC (see {@link RegionOps#stopAt}). */
    boolean stoppedBefore;

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
        this.mmu = new Mmu(this);
        this.span = new MemorySpan(this);
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
        head = true;
    }

    /**
     * Turns translation on, translating code reached more than {@code threshold} times (0: at
     * once), or off ({@code threshold} < 0); the default is what the system properties {@value
     * TranslatedCode#ENABLED} and {@value TranslatedCode#THRESHOLD} say.
     */
    public void setTranslation(int threshold) {
        translated = threshold < 0 ? null : new TranslatedCode(threshold);
    }

    /** As {@link #setTranslation(int)}, loops translated inline after {@code inlineAfter} instructions. */
    void setTranslation(int threshold, long inlineAfter) {
        translated = new TranslatedCode(threshold, inlineAfter);
    }

    /** Whether hot code runs translated. */
    public boolean translating() {
        return translated != null;
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

    /** The current exception level, 0 or 1. */
    public int exceptionLevel() {
        return el;
    }

    public long esr() {
        return esr;
    }

    public long far() {
        return far;
    }

    /**
     * Where this core is, for a report made on another thread while it runs (a watchdog's): its PC
     * and, when that reads as RAM through the current translation, the instruction there. Only
     * reads, racing with the running thread by design: the page tables are walked afresh (the TLB
     * is the running thread's) and nothing is cached.
     */
    public VcpuPosition position() {
        long at = pc;
        long pa = at;
        if ((sctlr & 1) != 0) {
            if (!(mmu.regime().walk(at, memory) instanceof Translation t)) {
                return new VcpuPosition(at, OptionalInt.empty());
            }
            pa = t.pagePa() | (at & 0xfff);
        }
        GuestMemory.Region r = (pa & 3) == 0 ? memory.find(pa, 4) : null;
        return new VcpuPosition(at, r == null ? OptionalInt.empty() : OptionalInt.of((int) GuestMemory.load(r, pa, 4)));
    }

    /** Sets this vCPU's event register (SEV from another vCPU); the caller wakes it if it waits. */
    public void sendEvent() {
        event = true;
    }

    /** This core is replaced by a fresh one (PSCI CPU_ON): what it shares with the VM lets it go. */
    public void retire() {
        mmu.retire();
    }

    /** Makes SEV reach the VM's other vCPUs: {@code broadcast} sets every event register and wakes. */
    public void setEventBroadcast(Runnable broadcast) {
        events = broadcast;
    }

    /** WFE: consumes the event register; false when it was clear and the vCPU may wait. */
    boolean consumeEvent() {
        if (event) {
            event = false;
            return true;
        }
        return false;
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
        return translated == null ? interpret(budget) : runTranslating(budget);
    }

    /** The interpreter alone: nothing to look up at heads. */
    private Exit interpret(long budget) {
        for (long i = 0; i < budget; i++) {
            if (interruptPending && (daif & DAIF_I) == 0) {
                Exceptions.takeIrq(this);
            }
            Exit e = step();
            if (e != null) {
                head = true;
                return e;
            }
        }
        head = true; // not known here: translation turned on next treats the PC as one
        return Exit.BUDGET;
    }

    private Exit runTranslating(long budget) {
        // Locals, not fields, on the path of every interpreted instruction.
        boolean atHead = head;
        boolean afterStop = false;
        for (long i = 0; i < budget; i++) {
            if (interruptPending && (daif & DAIF_I) == 0) {
                Exceptions.takeIrq(this);
                atHead = true;
                afterStop = false;
            }
            if (atHead) {
                Region r = translated.region(this, pc, budget - i);
                if (r != null) {
                    long before = instructions;
                    Exit e = r.run(this, budget - i);
                    r.ran(instructions - before);
                    i += instructions - before - 1;
                    afterStop = stoppedBefore;
                    stoppedBefore = false;
                    if (e != null) {
                        head = true;
                        return e;
                    }
                    continue;
                }
            }
            long at = pc;
            Exit e = step();
            if (e != null) {
                head = true; // whatever comes next, the vCPU resumes there
                return e;
            }
            atHead = pc != at + 4 || afterStop;
            afterStop = false;
        }
        head = atHead;
        return Exit.BUDGET;
    }

    /** Fetches and executes the instruction at the PC: null to go on, else the exit. */
    private Exit step() {
        long at = pc;
        int insn = 0;
        try {
            if ((sctlr & 1) == 0) {
                GuestMemory.Region r = fetchRegion;
                if (r == null || (at & 3) != 0 || !r.contains(at, 4)) {
                    r = fetchRegion(at);
                }
                insn = (int) GuestMemory.load(r, at, 4);
            } else {
                insn = fetchTranslated(at);
            }
            instructions++;
            return Decoder.execute(this, insn);
        } catch (GuestFault f) {
            pc = at;
            return Exceptions.takeSynchronous(this, f.syndrome, f.far, f.farValid, at, f.instruction);
        } catch (RuntimeException bug) {
            return crash(insn, "emulator fault: " + bug);
        }
    }

    /** The RAM region the instruction at {@code at} is fetched from, or the fault. */
    private GuestMemory.Region fetchRegion(long at) {
        if ((at & 3) != 0) {
            throw Exceptions.pcAlignment(at);
        }
        GuestMemory.Region r = memory.find(at, 4);
        if (r == null) {
            // Executing from outside RAM (MMIO or nothing): an external abort on the fetch.
            throw Exceptions.instructionAbort(this, 0b010000, at);
        }
        fetchRegion = r;
        return r;
    }

    /** The instruction at virtual address {@code at}, through the TLB, or the fault. */
    private int fetchTranslated(long at) {
        if ((at & 3) != 0) {
            throw Exceptions.pcAlignment(at);
        }
        Tlb tlb = mmu.tlb;
        tlb.applyPosted();
        if (at >>> 12 == fetchVaPage && tlb.epoch() == fetchEpoch) {
            return (int) GuestMemory.load(fetchPage, at & 0xfff, 4);
        }
        int entry = mmu.entry(at, Access.EXECUTE, el);
        MemorySegment page = tlb.page(entry);
        if (page == null) {
            throw Exceptions.instructionAbort(this, 0b010000, at); // outside RAM: an external abort
        }
        fetchVaPage = at >>> 12;
        fetchPage = page;
        fetchEpoch = tlb.epoch();
        return (int) GuestMemory.load(page, at & 0xfff, 4);
    }

    /** Translation changed in a way the TLB's epoch does not show (EL, ASID): the last pages go. */
    void forgetPages() {
        forgetLastPages();
        loads.clear();
        stores.clear();
    }

    /**
     * The EL changed: the last pages go, as they were checked for the other EL; the recent pages
     * stay, each tagged with the EL it was checked for (a syscall or an interrupt returns to the
     * pages it left).
     */
    private void forgetLastPages() {
        fetchVaPage = -1;
        fetchPage = null;
        loadVaPage = -1;
        loadPage = null;
        storeVaPage = -1;
        storePage = null;
        userLoadVaPage = -1;
        userLoadPage = null;
        userStoreVaPage = -1;
        userStorePage = null;
    }

    /** A translation register was written (a new ASID, the MMU on or off): heads map to other code. */
    void forgetCode() {
        if (translated != null) {
            translated.flush();
        }
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
        return crashAt(pc, insn, reason);
    }

    Exit crashAt(long at, int insn, String reason) {
        crash = new Exit.Crash(at, insn, reason);
        return crash;
    }

    /** An Undefined Instruction exception, taken by the guest: never returns normally. */
    Exit undefined(int insn) {
        throw Exceptions.undefined(insn);
    }

    /**
     * Changes the EL and the stack pointer selection (exception entry and return): what may be
     * accessed and how addresses translate depend on both, so the one-entry region caches that
     * skipped those checks go.
     */
    void setExceptionLevel(int level, boolean spx) {
        el = level;
        spSel = level == 1 && spx;
        fpEnabled = el1.fpEnabledAt(level);
        fetchRegion = null;
        dataRegion = null;
        forgetLastPages();
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
        return holds(cond, n, z, c, v);
    }

    /** Whether condition {@code cond} holds with these flags. */
    static boolean holds(int cond, boolean n, boolean z, boolean c, boolean v) {
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

    /** PSTATE as SPSR_EL1 saves it: NZCV, DAIF and M[3:0] (EL0t, EL1t or EL1h). */
    long pstate() {
        return ((long) nzcv() << 28) | daif | (el == 0 ? 0b0000 : spSel ? 0b0101 : 0b0100);
    }

    boolean mmuOn() {
        return (sctlr & 1) != 0;
    }

    /** The base of the RAM region {@link #dataRegion(long, int)} found last. */
    long dataRegionBase() {
        return dataRegion.base();
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
        GuestMemory.Region r = dataRegion;
        if ((sctlr & 1) == 0 && r != null && r.contains(va, size)) {
            // The fast path: MMU off, the RAM region of the last access.
            if (load) {
                writeback(wbReg, wbValue);
                long v = GuestMemory.load(r, va, size);
                setReg(rt, signed ? Bits.signExtend(v, 8 * size) : v, to64);
            } else {
                long value = reg(rt);
                writeback(wbReg, wbValue);
                GuestMemory.store(r, va, size, value);
                memory.code().written(va);
            }
            return null;
        }
        return slowAccess(load, va, size, rt, signed, to64, unprivileged, wbReg, wbValue);
    }

    /**
     * The MMU-off form of {@link #access} for callers that have applied the writeback and moved
     * the PC themselves (nothing can fault with the MMU off): the physical address, RAM or MMIO.
     */
    Exit physicalAccess(boolean load, long address, int size, int rt, boolean signed, boolean to64) {
        GuestMemory.Region r = dataRegion;
        if (r == null || !r.contains(address, size)) {
            r = memory.find(address, size);
            if (r == null) {
                return mmio(load, address, size, rt, signed, to64, reg(rt));
            }
            dataRegion = r;
        }
        if (load) {
            long v = GuestMemory.load(r, address, size);
            setReg(rt, signed ? Bits.signExtend(v, 8 * size) : v, to64);
        } else {
            GuestMemory.store(r, address, size, reg(rt));
            memory.code().written(address);
        }
        return null;
    }

    private Exit slowAccess(
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
            memory.code().written(va);
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
            MemorySegment page = dataPage(va, load, unprivileged ? 0 : el);
            long pagePa = dataPagePa;
            if (page == null) {
                writeback(wbReg, wbValue);
                return mmio(load, pagePa | offset, size, rt, signed, to64, value);
            }
            writeback(wbReg, wbValue);
            if (!load) {
                GuestMemory.store(page, offset, size, value);
                memory.code().written(pagePa | offset);
                return null;
            }
            v = GuestMemory.load(page, offset, size);
        }
        setReg(rt, signed ? Bits.signExtend(v, 8 * size) : v, to64);
        return null;
    }

    /**
     * With the MMU on, the RAM page of a recent load (or store) when [{@code va}, {@code va +
     * size}) lies on it and it is still valid, else null: the hit of {@link #translatedAccess},
     * for translated code, which does the rest of the access itself. The page becomes the last of
     * its kind ({@link #lastStorePagePa} gives a store's physical page).
     */
    MemorySegment lastPage(long va, int size, boolean load) {
        if ((sctlr & 1) == 0 || ((int) va & 0xfff) + size > 4096) {
            return null;
        }
        MemorySegment page = lastDataPage(va, load);
        return page != null ? page : recentPage(load ? loads : stores, va >>> 12, mmu.tlb.epoch(), load);
    }

    /**
     * LDTR/STTR at EL1: the page of the last such load (or store) when [{@code va}, {@code va +
     * size}) lies on it and it is still valid, else null (as {@link #lastPage} for ordinary ones).
     */
    MemorySegment lastUserPage(long va, int size, boolean load) {
        if ((sctlr & 1) == 0 || ((int) va & 0xfff) + size > 4096) {
            return null;
        }
        Tlb tlb = mmu.tlb;
        tlb.applyPosted();
        long vaPage = va >>> 12;
        if (load) {
            return vaPage == userLoadVaPage && tlb.epoch() == userLoadEpoch ? userLoadPage : null;
        }
        return vaPage == userStoreVaPage && tlb.epoch() == userStoreEpoch ? userStorePage : null;
    }

    /** The physical address of the page {@link #lastUserPage} gave for a store. */
    long lastUserStorePagePa() {
        return userStorePagePa;
    }

    /** The physical address of the page {@link #lastPage} gave for a store. */
    long lastStorePagePa() {
        return storePagePa;
    }

    /** The RAM page of the last load (or store) when {@code va} is on it and it is still valid, else null. */
    private MemorySegment lastDataPage(long va, boolean load) {
        Tlb tlb = mmu.tlb;
        tlb.applyPosted();
        long vaPage = va >>> 12;
        if (load) {
            return vaPage == loadVaPage && tlb.epoch() == loadEpoch ? loadPage : null;
        }
        return vaPage == storeVaPage && tlb.epoch() == storeEpoch ? storePage : null;
    }

    /** The RAM pages of recent loads (or stores), direct-mapped by VA page, tagged with it and the EL. */
    private static final class DataPages {
        long[] tags = {-1}; // one slot, never hit, until the first fill
        int[] epochs = new int[1];
        MemorySegment[] pages = new MemorySegment[1];
        long[] pagePas = new long[1];

        void fill(long vaPage, int el, MemorySegment page, long pagePa, int epoch) {
            if (tags.length == 1) {
                tags = new long[DATA_PAGES];
                Arrays.fill(tags, -1);
                epochs = new int[DATA_PAGES];
                pages = new MemorySegment[DATA_PAGES];
                pagePas = new long[DATA_PAGES];
            }
            int i = (int) vaPage & (DATA_PAGES - 1);
            tags[i] = vaPage << 1 | el;
            pages[i] = page;
            pagePas[i] = pagePa;
            epochs[i] = epoch;
        }

        void clear() {
            Arrays.fill(tags, -1);
            Arrays.fill(pages, null);
        }
    }

    /**
     * With the MMU on, the RAM page of {@code va} for a load or a store with the permissions of
     * {@code permissionEl} (0 for LDTR/STTR), or null when it is not RAM; its physical address in
     * {@link #dataPagePa}. A recent page of its kind when that still holds, else through the TLB,
     * which may fault; a RAM page found there becomes a recent page of its kind.
     */
    MemorySegment dataPage(long va, boolean load, int permissionEl) {
        Tlb tlb = mmu.tlb;
        tlb.applyPosted();
        long vaPage = va >>> 12;
        int epoch = tlb.epoch();
        boolean own = permissionEl == el;
        if (own) {
            if (load) {
                if (vaPage == loadVaPage && epoch == loadEpoch) {
                    dataPagePa = loadPagePa;
                    return loadPage;
                }
            } else if (vaPage == storeVaPage && epoch == storeEpoch) {
                dataPagePa = storePagePa;
                return storePage;
            }
            MemorySegment page = recentPage(load ? loads : stores, vaPage, epoch, load);
            if (page != null) {
                return page;
            }
        } else if (load) {
            if (vaPage == userLoadVaPage && epoch == userLoadEpoch) {
                dataPagePa = userLoadPagePa;
                return userLoadPage;
            }
        } else if (vaPage == userStoreVaPage && epoch == userStoreEpoch) {
            dataPagePa = userStorePagePa;
            return userStorePage;
        }
        int entry = mmu.entry(va, load ? Access.READ : Access.WRITE, permissionEl);
        MemorySegment page = tlb.page(entry);
        long pagePa = tlb.pagePa(entry);
        dataPagePa = pagePa;
        if (page != null) {
            epoch = tlb.epoch();
            if (own) {
                (load ? loads : stores).fill(vaPage, el, page, pagePa, epoch);
                lastIs(load, vaPage, page, pagePa, epoch);
            } else if (load) {
                userLoadVaPage = vaPage;
                userLoadPage = page;
                userLoadPagePa = pagePa;
                userLoadEpoch = epoch;
            } else {
                userStoreVaPage = vaPage;
                userStorePage = page;
                userStorePagePa = pagePa;
                userStoreEpoch = epoch;
            }
        }
        return page;
    }

    /** A recent page of {@code d} for {@code vaPage} at this EL, made the last page of its kind; or null. */
    private MemorySegment recentPage(DataPages d, long vaPage, int epoch, boolean load) {
        int i = (int) vaPage & (d.tags.length - 1);
        if (d.tags[i] != (vaPage << 1 | el) || d.epochs[i] != epoch) {
            return null;
        }
        MemorySegment page = d.pages[i];
        long pagePa = d.pagePas[i];
        dataPagePa = pagePa;
        lastIs(load, vaPage, page, pagePa, epoch);
        return page;
    }

    private void lastIs(boolean load, long vaPage, MemorySegment page, long pagePa, int epoch) {
        if (load) {
            loadVaPage = vaPage;
            loadPage = page;
            loadPagePa = pagePa;
            loadEpoch = epoch;
        } else {
            storeVaPage = vaPage;
            storePage = page;
            storePagePa = pagePa;
            storeEpoch = epoch;
        }
    }

    /** The physical address of the page the last {@link #dataPage} gave. */
    long dataPagePa() {
        return dataPagePa;
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
            throw Exceptions.dataAbort(this, Exceptions.FSC_ALIGNMENT, write, va);
        }
        if ((sctlr & 1) == 0) {
            atomicPa = va;
            if (write) {
                memory.code().written(va);
            }
            return size < 4 ? memory.find(va & ~3L, 4) : memory.find(va, size);
        }
        int entry = mmu.entry(va, write ? Access.WRITE : Access.READ, el);
        atomicPa = mmu.tlb.pagePa(entry) | (va & 0xfff);
        if (write) {
            memory.code()
                    .written(atomicPa); // before the store: a translation of the page cannot start between them on this
            // vCPU
        }
        MemorySegment page = mmu.tlb.page(entry);
        if (page == null) {
            return null;
        }
        if (page != atomicPage) {
            // Locks, atomics and exclusives mostly stay on a few pages: no region made for each.
            atomicPage = page;
            atomicPageRegion = new GuestMemory.Region(mmu.tlb.pagePa(entry), page);
        }
        return atomicPageRegion;
    }

    long atomicPa;
    private MemorySegment atomicPage;
    private GuestMemory.Region atomicPageRegion;

    /** SCTLR_EL1.SA (SA0 at EL0): a load or store whose base register is SP needs SP 16-byte aligned. */
    void checkSpAlignment(int rn) {
        if (rn == 31 && (sp() & 15) != 0 && (sctlr & (el == 0 ? 1L << 4 : 1L << 3)) != 0) {
            throw Exceptions.spAlignment(0);
        }
    }
}
