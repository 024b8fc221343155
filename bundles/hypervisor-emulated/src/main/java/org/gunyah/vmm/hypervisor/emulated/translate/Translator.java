package org.gunyah.vmm.hypervisor.emulated.translate;

import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the guest code at a head into a {@link Region}: plans it, writes its class and defines it
 * as a hidden class of the vCPU's package (through that package's lookup), not strongly tied to
 * the class loader, so that it unloads once no cache holds it. Classes are shared by everything
 * that runs the same instructions at the same addresses.
 */
public final class Translator {
    /**
     * The most instructions of a region: C2's time to compile one grows faster than its size
     * (each instruction inlines the interpreter's operation), and the corpus ran fastest with 32
     * of 32, 64 and 128.
     */
    static final int MAX_INSTRUCTIONS = 32;
    /**
     * The most bytecode of its method: HotSpot compiles none over 8000 bytes, and C2's inlining
     * budget is of the same order.
     */
    static final int MAX_CODE = 6000;

    /** How many region classes are remembered (softly) before the forgotten ones are swept. */
    static final int MAX_SHARED = 1 << 16;

    private final MethodHandles.Lookup lookup;
    // Region classes by what they translate, shared by every VM of the JVM: VMs running the same
    // code (the same kernel, a program run again) reuse each other's classes and their compiled
    // code. Softly: a class no cache of any VM holds may go when memory is short.
    private final Map<Key, SoftReference<Compiled>> compiled = new ConcurrentHashMap<>();

    /** {@code lookup}: full-privilege lookup of the package the generated code's helpers are in. */
    public Translator(MethodHandles.Lookup lookup) {
        this.lookup = lookup;
    }

    /**
     * The region of the head at virtual {@code va}, physical {@code pa}, whose 4 KiB page of code
     * is {@code page}; null when the instruction there is not translated.
     */
    public Region translate(MemorySegment page, long va, long pa) {
        return translate(page, va, pa, false);
    }

    /**
     * As {@link #translate(MemorySegment, long, long)}; with {@code inline}, a region that loops
     * keeps the guest registers in JVM locals and does the common instructions in its own code,
     * which runs faster once C2 has compiled it but costs more before, and to compile.
     */
    public Region translate(MemorySegment page, long va, long pa, boolean inline) {
        Plan plan = Plan.of(page, va & ~0xfffL, va, MAX_INSTRUCTIONS);
        if (plan == null) {
            return null;
        }
        Key key = Key.of(plan, inline);
        SoftReference<Compiled> cached = compiled.get(key);
        Compiled c = cached == null ? null : cached.get();
        if (c == null) {
            c = compile(page, va, plan, inline);
            if (compiled.size() >= MAX_SHARED) {
                compiled.values().removeIf(ref -> ref.get() == null);
            }
            compiled.put(key, new SoftReference<>(c));
        }
        try {
            Region r = (Region) c.constructor().invoke(va, pa, c.vas().length);
            r.vas = c.vas();
            r.instructions = c.instructions();
            r.inline = inline;
            r.loops = c.loops();
            for (long at : c.vas()) {
                int word = (int) (at & 0xfff) >>> 2;
                r.words[word >>> 6] |= 1L << word;
            }
            return r;
        } catch (Throwable e) {
            throw new IllegalStateException("the translation of 0x" + Long.toHexString(va) + " does not start", e);
        }
    }

    /** Writes and defines the class of {@code plan}, made smaller until its method fits. */
    private Compiled compile(MemorySegment page, long va, Plan plan, boolean inline) {
        byte[] bytes = Emitter.emit(plan, Region.class.getClassLoader(), inline);
        for (int limit = MAX_INSTRUCTIONS / 2; codeLength(bytes) > MAX_CODE && limit > 0; limit /= 2) {
            plan = Plan.of(page, va & ~0xfffL, va, limit);
            bytes = Emitter.emit(plan, Region.class.getClassLoader(), inline);
        }
        List<Plan.Insn> translated = plan.order().stream()
                .filter(i -> i.kind() != Kind.STOP)
                .sorted(Comparator.comparingLong(Plan.Insn::va))
                .toList();
        long[] vas = new long[translated.size()];
        int[] instructions = new int[translated.size()];
        for (int k = 0; k < vas.length; k++) {
            vas[k] = translated.get(k).va();
            instructions[k] = translated.get(k).word();
        }
        try {
            MethodHandles.Lookup hidden = lookup.defineHiddenClass(bytes, true);
            MethodHandle constructor = hidden.findConstructor(
                    hidden.lookupClass(), MethodType.methodType(void.class, long.class, long.class, int.class));
            return new Compiled(constructor, vas, instructions, Emitter.Locals.loops(plan));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the translation of 0x" + Long.toHexString(va) + " does not load", e);
        }
    }

    /** A defined region class, and the instructions it translated (ascending addresses). */
    private record Compiled(MethodHandle constructor, long[] vas, int[] instructions, boolean loops) {}

    /**
     * What a region's class depends on: its head and the instructions of its plan (the offset in
     * the page and the word of each, in plan order), whatever the VM or physical page.
     */
    private record Key(long head, long[] code, boolean inline) {
        static Key of(Plan plan, boolean inline) {
            long[] code = new long[plan.order().size()];
            for (int k = 0; k < code.length; k++) {
                Plan.Insn i = plan.order().get(k);
                code[k] = (i.va() & 0xfff) << 32 | (i.word() & 0xffff_ffffL);
            }
            return new Key(plan.head(), code, inline);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.head == head && k.inline == inline && Arrays.equals(k.code, code);
        }

        @Override
        public int hashCode() {
            return (Long.hashCode(head) * 31 + Arrays.hashCode(code)) * 2 + (inline ? 1 : 0);
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
