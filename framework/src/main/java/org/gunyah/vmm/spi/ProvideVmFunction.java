package org.gunyah.vmm.spi;

import static java.lang.annotation.ElementType.PACKAGE;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.osgi.annotation.bundle.Attribute;
import org.osgi.annotation.bundle.Capability;

/**
 * The {@code MODULE_ALIAS("ghfunc:N")} of a function bundle: put it on the component class and bnd
 * writes {@code Provide-Capability: gunyah.function;gunyah.function=<name>;type:Long=<type>}, which
 * the framework's on-demand loader searches. It registers nothing by itself.
 *
 * <p>Prefer {@link VmFunctionType}, which writes the same capability and also gives the component
 * its type and name properties, so that the two cannot disagree; this one stays for bundles built
 * against spi 0.2 and for its constants.
 */
@Capability(namespace = ProvideVmFunction.NAMESPACE)
@Retention(CLASS)
@Target({TYPE, PACKAGE})
public @interface ProvideVmFunction {
    String NAMESPACE = "gunyah.function";
    String TYPE_ATTRIBUTE = "type";

    @Attribute(NAMESPACE)
    String name();

    @Attribute(TYPE_ATTRIBUTE)
    long type();
}
