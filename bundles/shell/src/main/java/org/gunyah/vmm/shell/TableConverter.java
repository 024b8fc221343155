package org.gunyah.vmm.shell;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;

/** Prints the listing commands' tables; a table inside another result prints as its row count. */
@Component(service = Converter.class)
public final class TableConverter implements Converter {
    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (!(target instanceof Table t)) {
            return null;
        }
        return level == Converter.PART ? t.cells().size() + " rows" : t.render();
    }
}
