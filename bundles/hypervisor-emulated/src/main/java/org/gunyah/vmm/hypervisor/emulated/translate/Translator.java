package org.gunyah.vmm.hypervisor.emulated.translate;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Turns the guest code at a head into a {@link Region}: plans it, writes its class and defines it
 * as a hidden class of the vCPU's package (through that package's lookup), not strongly tied to
 * the class loader, so that it unloads once no cache holds it.
 */
public final class Translator {
    private final MethodHandles.Lookup lookup;

    /** {@code lookup}: full-privilege lookup of the package the generated code's helpers are in. */
    public Translator(MethodHandles.Lookup lookup) {
        this.lookup = lookup;
    }

    /**
     * The region of the head at virtual {@code va}, physical {@code pa}, whose 4 KiB page of code
     * is {@code page}; null when the instruction there is not translated.
     */
    public Region translate(MemorySegment page, long va, long pa) {
        Plan plan = Plan.of(page, va & ~0xfffL, va);
        if (plan == null) {
            return null;
        }
        byte[] bytes = Emitter.emit(plan, Region.class.getClassLoader());
        try {
            MethodHandles.Lookup hidden = lookup.defineHiddenClass(bytes, true);
            Region r = (Region) hidden.findConstructor(
                            hidden.lookupClass(), MethodType.methodType(void.class, long.class, long.class, int.class))
                    .invoke(va, pa, plan.instructions());
            for (Plan.Insn i : plan.order()) {
                int word = (int) (i.va() & 0xfff) >>> 2;
                r.words[word >>> 6] |= 1L << word;
            }
            return r;
        } catch (Throwable e) {
            throw new IllegalStateException("the translation of 0x" + Long.toHexString(va) + " does not load", e);
        }
    }
}
