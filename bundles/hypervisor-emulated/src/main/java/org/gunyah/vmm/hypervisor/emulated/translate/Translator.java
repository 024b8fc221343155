package org.gunyah.vmm.hypervisor.emulated.translate;

import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the guest code at a head into a {@link Region}: plans it, writes its class and defines it
 * as a hidden class of the vCPU's package (through that package's lookup), not strongly tied to
 * the class loader, so that it unloads once no cache holds it.
 */
public final class Translator {
    /** The most instructions of a region. */
    static final int MAX_INSTRUCTIONS = 128;
    /**
     * The most bytecode of its method: HotSpot compiles none over 8000 bytes, and C2's inlining
     * budget is of the same order.
     */
    static final int MAX_CODE = 6000;

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
        Plan plan;
        byte[] bytes;
        int limit = MAX_INSTRUCTIONS;
        do {
            plan = Plan.of(page, va & ~0xfffL, va, limit);
            if (plan == null) {
                return null;
            }
            bytes = Emitter.emit(plan, Region.class.getClassLoader());
            limit /= 2;
        } while (codeLength(bytes) > MAX_CODE && limit > 0);
        try {
            MethodHandles.Lookup hidden = lookup.defineHiddenClass(bytes, true);
            Region r = (Region) hidden.findConstructor(
                            hidden.lookupClass(), MethodType.methodType(void.class, long.class, long.class, int.class))
                    .invoke(va, pa, plan.instructions());
            List<Plan.Insn> sorted = plan.order().stream()
                    .sorted(Comparator.comparingLong(Plan.Insn::va))
                    .toList();
            r.vas = new long[sorted.size()];
            r.instructions = new int[sorted.size()];
            for (int k = 0; k < sorted.size(); k++) {
                Plan.Insn i = sorted.get(k);
                int word = (int) (i.va() & 0xfff) >>> 2;
                r.words[word >>> 6] |= 1L << word;
                r.vas[k] = i.va();
                r.instructions[k] = i.word();
            }
            return r;
        } catch (Throwable e) {
            throw new IllegalStateException("the translation of 0x" + Long.toHexString(va) + " does not load", e);
        }
    }

    private static int codeLength(byte[] classBytes) {
        for (MethodModel m : ClassFile.of().parse(classBytes).methods()) {
            if (m.methodName().equalsString("run")) {
                return ((CodeAttribute) m.code().orElseThrow()).codeLength();
            }
        }
        throw new IllegalStateException("a region without its run method");
    }
}
