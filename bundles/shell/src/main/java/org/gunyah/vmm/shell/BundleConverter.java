package org.gunyah.vmm.shell;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Lets Gogo's own commands take a bundle as its id or symbolic name ({@code update 16}, {@code
 * headers org.gunyah.vmm.vmm}) in every console. Gogo's shell bundle carries such a converter,
 * but it runs only with the interactive console: through {@code bin/gunyah client} and SSH those
 * commands could not be called at all. A symbolic name installed in several versions means the
 * highest.
 */
@Component(service = Converter.class)
public final class BundleConverter implements Converter {
    private final BundleContext context;

    @Activate
    public BundleConverter(BundleContext context) {
        this.context = context;
    }

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        if (desiredType != Bundle.class || in == null) {
            return null;
        }
        String text = in.toString().strip();
        if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
            try {
                return context.getBundle(Long.parseLong(text));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return Arrays.stream(context.getBundles())
                .filter(b -> text.equals(b.getSymbolicName()))
                .max(Comparator.comparing(Bundle::getVersion))
                .orElse(null);
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        return null;
    }
}
