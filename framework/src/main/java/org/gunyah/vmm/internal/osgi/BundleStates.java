package org.gunyah.vmm.internal.osgi;

import org.osgi.framework.Bundle;

/** Bundle state constants as words. */
final class BundleStates {
    private BundleStates() {}

    static String name(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "STATE " + state;
        };
    }
}
