package org.gunyah.vmm.webconsole;

/**
 * A line for the person at the runtime's console: through the logger {@value #LOGGER}, which the
 * runtime's {@code conf/logging.properties} prints on a line of its own (the console's prompt shown
 * again after it, as after a guest's console line), and which a service's log keeps. The Web
 * Console starts after the console's first prompt, so its lines come while the prompt shows.
 */
final class ConsoleLine {
    static final String LOGGER = "org.gunyah.vmm.console";

    private ConsoleLine() {}

    static void print(String line) {
        System.getLogger(LOGGER).log(System.Logger.Level.INFO, line);
    }
}
