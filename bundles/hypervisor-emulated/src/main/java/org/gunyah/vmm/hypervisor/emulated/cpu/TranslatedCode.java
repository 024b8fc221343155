package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.lang.foreign.MemorySegment;
import org.gunyah.vmm.hypervisor.emulated.mmu.Access;
import org.gunyah.vmm.hypervisor.emulated.mmu.Tlb;
import org.gunyah.vmm.hypervisor.emulated.translate.CodeCache;
import org.gunyah.vmm.hypervisor.emulated.translate.HeadCounter;
import org.gunyah.vmm.hypervisor.emulated.translate.JumpCache;
import org.gunyah.vmm.hypervisor.emulated.translate.Region;
import org.gunyah.vmm.hypervisor.emulated.translate.Translator;

/**
 * One vCPU's use of the translator: counts the heads its interpreter reaches, translates those
 * reached more than {@link #threshold} times (into the VM's {@link CodeCache}, shared by its
 * vCPUs), and finds the translation of a head through its jump cache of the current EL, which is
 * flushed when the ASID or the translation registers change, and whose entries are checked again
 * (the head still maps to the region's physical page, executable) after the TLB changed.
 */
final class TranslatedCode {
    /** System property: "on" or "off". */
    static final String ENABLED = "gunyah.emulated.translate";
    /** System property: how many arrivals at a head before it is translated. */
    static final String THRESHOLD = "gunyah.emulated.translate.threshold";
    /** System property: how many instructions a region with a loop runs before it is translated inline. */
    static final String INLINE = "gunyah.emulated.translate.inline";

    static final int DEFAULT_THRESHOLD = 2000;
    /**
     * How many guest instructions a region with a loop runs before it is translated again with
     * the registers in locals (0 with threshold 0, as tests run it). That code is several times
     * faster once C2 has compiled it, but slower before (the JVM interprets more bytecode, with
     * more calls) and longer to compile: in a Linux boot, translating every loop so made the boot
     * take half as much CPU again, while the few loops that run long (lib/mpi's) gain. Measured
     * on the boot: 2 million instructions still cost CPU, 20 million did not, 50 million gained less.
     */
    static final long INLINE_AFTER = 20_000_000;

    private static final Translator TRANSLATOR = new Translator(RegionOps.LOOKUP);

    final int threshold;
    final long inlineAfter;
    // One per EL: a head's page may be executable at one EL and not the other.
    // Made when first needed: the counter at the first head (24 KiB), the jump caches (40 KiB)
    // at the first translation, so that an idle VM's vCPU costs next to nothing.
    private JumpCache[] jumps;
    private HeadCounter heads;
    private int drops;

    TranslatedCode(int threshold) {
        this(threshold, threshold == 0 ? 0 : INLINE_AFTER);
    }

    TranslatedCode(int threshold, long inlineAfter) {
        if (threshold < 0) {
            throw new IllegalArgumentException(THRESHOLD + " is 0 or more, not " + threshold);
        }
        this.threshold = threshold;
        this.inlineAfter = inlineAfter;
    }

    private static long inlineAfter(String value) {
        if (value == null) {
            return INLINE_AFTER;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(INLINE + " is a number of instructions, 0 or more, not " + value);
    }

    /** As the system properties say (on, threshold {@value #DEFAULT_THRESHOLD}, by default): null when off. */
    static TranslatedCode fromProperties() {
        return of(
                System.getProperty(ENABLED, "on"),
                System.getProperty(THRESHOLD, Integer.toString(DEFAULT_THRESHOLD)),
                System.getProperty(INLINE));
    }

    /** From the values of the two properties: null when off; a value neither names is refused. */
    static TranslatedCode of(String enabled, String threshold) {
        return of(enabled, threshold, null);
    }

    /**
     * From the values of the three properties ({@code inline} null when unset, then {@value
     * #INLINE_AFTER}; 0 with threshold 0): null when off; a value neither names is refused.
     */
    static TranslatedCode of(String enabled, String threshold, String inline) {
        if (!enabled.equals("on")) {
            if (!enabled.equals("off")) {
                throw new IllegalArgumentException(ENABLED + " is on or off, not " + enabled);
            }
            return null;
        }
        int executions;
        try {
            executions = Integer.parseInt(threshold.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(THRESHOLD + " is a number of executions, not " + threshold, e);
        }
        return new TranslatedCode(executions, executions == 0 ? 0 : inlineAfter(inline));
    }

    /**
     * The translation to run at head {@code va} now, when it exists or it is hot enough to make,
     * and it cannot run past {@code room} instructions; else null (the interpreter goes on).
     */
    Region region(A64Cpu cpu, long va, long room) {
        int epoch = 0;
        if (cpu.mmuOn()) {
            Tlb tlb = cpu.mmu.tlb;
            tlb.applyPosted();
            epoch = tlb.epoch();
        }
        int dropped = cpu.memory.code().drops();
        if (dropped != drops) {
            drops = dropped;
            flush();
        }
        if (heads == null) {
            heads = new HeadCounter();
        }
        JumpCache jc = jumps == null ? null : jumps[cpu.el];
        Region r = jc == null ? null : jc.get(va);
        if (r != null && jc.epoch(va) != epoch) {
            // The TLB changed since (any TLBI does that): the entry holds if va still maps there.
            if (physical(cpu, va) == r.pa) {
                jc.put(va, r, epoch);
            } else {
                r = null;
            }
        }
        if (r == null) {
            if (!heads.hot(va, threshold)) {
                return null;
            }
            r = find(cpu, va);
            if (r == null) {
                heads.reset(va);
                return null;
            }
            if (jumps == null) {
                jumps = new JumpCache[] {new JumpCache(), new JumpCache()};
            }
            jumps[cpu.el].put(va, r, epoch);
        }
        if (r.inlineAfter(inlineAfter)) {
            r = inline(cpu, va, r);
            if (r == null) {
                return null;
            }
            jumps[cpu.el].put(va, r, epoch);
        }
        return r.maxRun <= room ? r : null;
    }

    /** {@code r}'s code translated inline in its place, or null when it was dropped meanwhile. */
    private static Region inline(A64Cpu cpu, long va, Region r) {
        MemorySegment page = cpu.memory.ramPage(r.pa & ~0xfffL);
        Region again = page == null ? null : TRANSLATOR.translate(page, va, r.pa, true);
        if (again == null) {
            r.keep();
            return r;
        }
        return cpu.memory.code().replace(r, again);
    }

    /** The physical address the fetch of {@code va} reaches now, or -1 when it faults. */
    private static long physical(A64Cpu cpu, long va) {
        if (!cpu.mmuOn()) {
            return va;
        }
        try {
            return cpu.mmu.physical(va, Access.EXECUTE, cpu.el);
        } catch (GuestFault f) {
            return -1;
        }
    }

    private Region find(A64Cpu cpu, long va) {
        if ((va & 3) != 0) {
            return null;
        }
        long pa = physical(cpu, va);
        if (pa == -1) {
            return null; // the interpreter's fetch takes the abort
        }
        MemorySegment page = cpu.memory.ramPage(pa & ~0xfffL);
        if (page == null) {
            return null;
        }
        CodeCache cache = cpu.memory.code();
        Region r = cache.find(va, pa);
        if (r == null) {
            r = TRANSLATOR.translate(page, va, pa, inlineAfter == 0);
            if (r != null) {
                r = cache.add(r);
            }
        }
        return r;
    }

    /** The translation regime changed (TLB, ASID, SCTLR): what the jump caches found may not hold. */
    void flush() {
        if (jumps != null) {
            jumps[0].flush();
            jumps[1].flush();
        }
    }
}
