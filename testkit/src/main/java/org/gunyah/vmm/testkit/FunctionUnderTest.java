package org.gunyah.vmm.testkit;

import java.util.ArrayList;
import java.util.List;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.VmFunction;
import org.gunyah.vmm.spi.VmFunctionType;

/**
 * A {@link VmFunction} on a {@link FakeVmContext}, driven the way the framework drives it:
 *
 * <pre>
 * FunctionUnderTest counter = FunctionUnderTest.of(new CounterFunction());
 * FakeFunctionInstance i = counter.bind(CounterFunction.arg(0x0a000000));
 * assertTrue(counter.vm().mmioWrite(0x0a000000, 4, 1));
 * counter.unbind(i);
 * assertEquals(List.of(), counter.vm().leftovers());
 * </pre>
 *
 * Its type and name come from the function's {@link VmFunctionType} declaration: {@link #of} fails
 * for a class without one, as the framework would never find it. A bind that throws must leave
 * nothing behind ({@link #bind} checks it, and then throws what the function threw).
 */
public final class FunctionUnderTest {
    private final VmFunction function;
    private final VmFunctionType declaration;
    private final FakeVmContext vm;
    private final List<FakeFunctionInstance> bound = new ArrayList<>();
    private Object lastHandle;

    private FunctionUnderTest(VmFunction function, VmFunctionType declaration, FakeVmContext vm) {
        this.function = function;
        this.declaration = declaration;
        this.vm = vm;
    }

    /** {@code function} on a new fake VM. */
    public static FunctionUnderTest of(VmFunction function) {
        return of(function, new FakeVmContext());
    }

    /** {@code function} on {@code vm}. IllegalArgumentException when its class has no {@link VmFunctionType}. */
    public static FunctionUnderTest of(VmFunction function, FakeVmContext vm) {
        return new FunctionUnderTest(function, declaration(function.getClass()), vm);
    }

    /** The declaration of a function class: IllegalArgumentException when it has none or a type out of range. */
    public static VmFunctionType declaration(Class<?> functionClass) {
        VmFunctionType d = functionClass.getAnnotation(VmFunctionType.class);
        if (d == null) {
            throw new IllegalArgumentException(functionClass.getName()
                    + " has no @VmFunctionType(type, name): the framework would not know its type");
        }
        if (d.type() < 0 || d.type() > 0xffff_ffffL) {
            throw new IllegalArgumentException(
                    functionClass.getName() + ": type " + d.type() + " is not an unsigned 32-bit number");
        }
        if (d.name().isBlank()) {
            throw new IllegalArgumentException(functionClass.getName() + ": the function's name is empty");
        }
        return d;
    }

    public int type() {
        return (int) declaration.type();
    }

    public String name() {
        return declaration.name();
    }

    public FakeVmContext vm() {
        return vm;
    }

    public VmFunction function() {
        return function;
    }

    /**
     * Binds a new instance with argument {@code arg} and returns it (what bind returned is
     * {@link #lastHandle}). A bind that throws must leave nothing on the VM: AssertionError naming
     * what it left, else its exception.
     */
    public FakeFunctionInstance bind(byte[] arg) throws GunyahException {
        FakeFunctionInstance instance = new FakeFunctionInstance(vm, type(), arg);
        List<String> before = vm.leftovers();
        try {
            lastHandle = function.bind(instance);
        } catch (GunyahException | RuntimeException e) {
            List<String> after = new ArrayList<>(vm.leftovers());
            after.removeAll(before);
            if (!after.isEmpty()) {
                AssertionError failure = new AssertionError(name() + ": a failed bind left " + after);
                failure.addSuppressed(e);
                throw failure;
            }
            throw e;
        }
        bound.add(instance);
        return instance;
    }

    /** What the last successful bind returned (what {@code Vm.addFunction} hands its caller). */
    public Object lastHandle() {
        return lastHandle;
    }

    public void unbind(FakeFunctionInstance instance) {
        if (!bound.remove(instance)) {
            throw new IllegalArgumentException(instance + " is not bound");
        }
        function.unbind(instance);
    }

    /**
     * The bound instance a removal with {@code arg} names, as the framework looks for it: the first
     * whose {@link VmFunction#compare} says yes; null for none.
     */
    public FakeFunctionInstance find(byte[] arg) {
        for (FakeFunctionInstance i : bound) {
            if (function.compare(i, arg)) {
                return i;
            }
        }
        return null;
    }

    /** The instances bound and not unbound. */
    public List<FakeFunctionInstance> bound() {
        return List.copyOf(bound);
    }

    /** Unbinds every instance, newest first, as closing the VM does. */
    public void unbindAll() {
        for (int i = bound.size() - 1; i >= 0; i--) {
            function.unbind(bound.remove(i));
        }
    }
}
