package org.gunyah.vmm.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.VmFunction;
import org.gunyah.vmm.spi.VmFunctionType;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

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
 * for a class without one, as the framework would never find it, and for a component whose
 * service properties, as bnd wrote them into {@code OSGI-INF/<class>.xml}, say another type or
 * name (a property repeated in {@code @Component(property = ...)} wins over the declaration): so
 * a disagreement fails the build's unit tests. A bind that throws must leave nothing behind
 * ({@link #bind} checks it, and then throws what the function threw).
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
        checkComponentProperties(functionClass, d);
        return d;
    }

    /**
     * The component description bnd wrote for {@code functionClass} (when the class comes from a
     * build that ran bnd), whose type and name properties must be the declaration's.
     */
    private static void checkComponentProperties(Class<?> functionClass, VmFunctionType d) {
        String resource = "OSGI-INF/" + functionClass.getName() + ".xml";
        ClassLoader loader = functionClass.getClassLoader();
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(resource)) {
            if (in == null) {
                return; // not built by bnd (an IDE, a test's own class): nothing to compare
            }
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            NodeList properties = factory.newDocumentBuilder().parse(in).getElementsByTagName("property");
            String type = null;
            String name = null;
            for (int i = 0; i < properties.getLength(); i++) {
                Element p = (Element) properties.item(i);
                if (p.getAttribute("name").equals(VmFunction.TYPE)) {
                    type = p.getAttribute("value").strip();
                } else if (p.getAttribute("name").equals(VmFunction.NAME)) {
                    name = p.getAttribute("value").strip();
                }
            }
            if (type == null
                    || !type.equals(Long.toString(d.type()))
                    || !d.name().equals(name)) {
                throw new AssertionError(String.format(
                        "%s: its @VmFunctionType says type %d, name %s, but its component (%s) registers"
                                + " %s=%s, %s=%s: declare the type once, with @VmFunctionType only",
                        functionClass.getName(),
                        d.type(),
                        d.name(),
                        resource,
                        VmFunction.TYPE,
                        type,
                        VmFunction.NAME,
                        name));
            }
        } catch (IOException | ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e, e);
        }
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
