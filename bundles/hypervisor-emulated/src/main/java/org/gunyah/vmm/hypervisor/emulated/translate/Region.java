package org.gunyah.vmm.hypervisor.emulated.translate;

import java.util.Arrays;
import org.gunyah.vmm.hypervisor.emulated.cpu.A64Cpu;
import org.gunyah.vmm.hypervisor.emulated.cpu.Exit;

/**
 * Guest code translated to a JVM method: the instructions reachable from one head within its 4 KiB
 * page, run as the interpreter would run them one by one. Subclasses are generated hidden classes,
 * unloaded once the cache drops them.
 */
public abstract class Region {
    /** The virtual and physical address of the head; the region lies in the page of both. */
    public final long va;

    public final long pa;

    /**
     * The most instructions a run executes between two checks of its limit: its instruction count,
     * since every path that revisits an instruction takes a backward branch, where it checks.
     */
    public final int maxRun;

    /** Cleared when the guest writes the page or invalidates its instruction cache. */
    volatile boolean valid = true;

    /** The words of the page it translated, one bit each (1024). */
    final long[] words = new long[16];

    /** Whether it holds the registers in locals (see {@link Translator#translate(java.lang.foreign.MemorySegment, long, long, boolean)}). */
    boolean inline;

    /** Whether it has a loop, which it may run with the registers in locals. */
    boolean loops;

    /** How many guest instructions it ran, counted until it is translated inline. */
    long ran;

    /** Its instructions: addresses in ascending order, and the instruction words. */
    long[] vas;

    int[] instructions;

    protected Region(long va, long pa, int maxRun) {
        this.va = va;
        this.pa = pa;
        this.maxRun = maxRun;
    }

    public final boolean valid() {
        return valid;
    }

    /** Whether it keeps the guest registers in JVM locals. */
    public final boolean inline() {
        return inline;
    }

    /** It ran {@code instructions} more. */
    public final void ran(long instructions) {
        ran += instructions;
    }

    /** Whether it ran {@code instructions} or more and may run faster translated inline. */
    public final boolean inlineAfter(long instructions) {
        return loops && !inline && ran >= instructions;
    }

    /** It will not be translated inline (it could not be). */
    public final void keep() {
        loops = false;
    }

    /** The instruction word it translated at {@code va}, or 0. */
    public final int instruction(long va) {
        int i = Arrays.binarySearch(vas, va);
        return i < 0 ? 0 : instructions[i];
    }

    /**
     * Runs from the head until the code leaves the region, an instruction exits or faults (the
     * exception taken as the interpreter takes it), or a backward branch finds more than {@code
     * limit - maxRun} instructions done or an unmasked interrupt pending. Adds the instructions run
     * to the vCPU's count, leaves its PC at the next instruction; returns the exit or null.
     */
    public abstract Exit run(A64Cpu cpu, long limit);
}
