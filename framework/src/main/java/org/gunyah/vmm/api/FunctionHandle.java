package org.gunyah.vmm.api;

import java.util.Optional;

/**
 * What {@link Vm#addFunction} returns: the descriptor that was added and whatever the function's
 * bind handed back (the {@link Vcpu} for a vcpu function, nothing for irqfd and ioeventfd).
 */
public record FunctionHandle(FunctionDesc desc, Optional<Object> value) {

    /** The bind result as {@code type}; EINVAL if the function returned something else or nothing. */
    public <T> T as(Class<T> type) throws GunyahException {
        Object v = value.orElse(null);
        if (!type.isInstance(v)) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "%s returned %s, not a %s",
                    desc,
                    v == null ? "nothing" : v.getClass().getSimpleName(),
                    type.getSimpleName());
        }
        return type.cast(v);
    }
}
