package org.gunyah.vmm.shell;

/** Why the demo failed, as the one line it ends with: {@code demo: FAILED <reason>}. */
public final class DemoFailure extends Exception {
    private static final long serialVersionUID = 1L;

    DemoFailure(String reason) {
        super("demo: FAILED " + reason);
    }
}
