package org.gunyah.vmm.spi;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.osgi.annotation.bundle.Attribute;
import org.osgi.annotation.bundle.Capability;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The one declaration of a function type: put it on the {@link VmFunction} component class, once,
 * and the type number and name are said in one place for everything that needs them.
 *
 * <pre>
 * &#64;VmFunctionType(type = 42, name = "counter")
 * &#64;Component(service = VmFunction.class)
 * public final class CounterFunction implements VmFunction { ... }
 * </pre>
 *
 * <ul>
 *   <li>As a Declarative Services <em>component property type</em> applied to the component class
 *       (DS 1.4), it gives the component the service properties {@value VmFunction#TYPE} (a Long)
 *       and {@value VmFunction#NAME}, by which the framework binds the service.
 *   <li>As a bundle annotation it makes bnd write the bundle's
 *       {@code Provide-Capability: gunyah.function;gunyah.function=<name>;type:Long=<type>}, the
 *       {@code MODULE_ALIAS("ghfunc:N")} the on-demand loader searches, and by which a console or a
 *       VM declaration finds the type by its name before the bundle is started.
 * </ul>
 *
 * Both come from the same two values, so they cannot disagree (the kernel's
 * {@code DECLARE_GH_VM_FUNCTION} macro gives the same guarantee). Do not also write the two
 * properties in {@code @Component(property = ...)}: a property written there would win over the
 * annotation's. The retention is {@code RUNTIME} so that tests (the test kit's
 * {@code FunctionUnderTest}) can read the declaration from the class.
 *
 * <p>Replaces {@link ProvideVmFunction}, which wrote only the capability.
 *
 * @since spi 0.3.0
 */
@ComponentPropertyType
@Capability(namespace = ProvideVmFunction.NAMESPACE)
@Documented
@Retention(RUNTIME)
@Target(TYPE)
public @interface VmFunctionType {
    /** Makes the component properties {@code gunyah.function.type} and {@code gunyah.function.name}. */
    String PREFIX_ = "gunyah.function.";

    /** The function type number ({@code gh_fn_type}), 0 to 2^32-1; see {@link org.gunyah.vmm.api.FunctionType}. */
    @Attribute(ProvideVmFunction.TYPE_ATTRIBUTE)
    long type();

    /** The type's name, for people, consoles and VM declarations: unique among the installed types. */
    @Attribute(ProvideVmFunction.NAMESPACE)
    String name();
}
