package org.gunyah.vmm.managed.internal;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where a declared VM's console goes: each complete line the guest writes, then the status the
 * guest ended with.
 */
interface ConsoleSink {
    /** The loggers of guest consoles: one per VM, named {@value #LOGGERS}{@code .<vm name>}. */
    String LOGGERS = "org.gunyah.vmm.guest";

    void line(String line);

    /** The guest is down and its VM is being torn down. */
    void ended(String status);

    /**
     * Writes through java.util.logging at INFO, to the logger {@value #LOGGERS}{@code .<vmName>}:
     * the runtime's logging configuration prints these as {@code [<vmName>] <line>}, as a serial
     * port on the VMM's terminal would show them.
     */
    static ConsoleSink logger(String vmName) {
        Logger logger = Logger.getLogger(LOGGERS + "." + vmName);
        return new ConsoleSink() {
            @Override
            public void line(String line) {
                logger.log(Level.INFO, line);
            }

            @Override
            public void ended(String status) {
                logger.log(Level.INFO, "the guest is down ({0}); the VM is torn down", status);
            }
        };
    }
}
