package org.gunyah.vmm.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The process's terminal in raw mode while a guest's serial line is attached to it: every key
 * goes to the guest as typed (Ctrl-C too), nothing is echoed or translated. Entered and left with
 * {@code stty} on the process's own standard input (what QEMU's {@code -nographic} does with
 * termios); where standard input is no terminal, nothing changes. Closing restores the settings
 * it found, once; a shutdown hook restores them too should the process end another way (SIGTERM).
 */
final class RawTerminal implements AutoCloseable {
    private static final long STTY_TIMEOUT_S = 5;

    private final String saved;
    private final Thread hook;
    private boolean restored;

    private RawTerminal(String saved) {
        this.saved = saved;
        this.hook = saved == null ? null : Thread.ofPlatform().unstarted(this::restore);
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /** Raw mode when standard input is a terminal; a terminal that changes nothing otherwise. */
    static RawTerminal enter() {
        String settings = stty(List.of("-g"));
        if (settings == null || settings.isBlank() || stty(List.of("raw", "-echo")) == null) {
            return new RawTerminal(null);
        }
        return new RawTerminal(settings.strip());
    }

    private synchronized void restore() {
        if (saved != null && !restored) {
            restored = true;
            stty(List.of(saved));
        }
    }

    @Override
    public void close() {
        restore();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook restores (already done)
            }
        }
    }

    /** Runs stty on our standard input; its output, or null when it failed (no terminal). */
    private static String stty(List<String> args) {
        try {
            Process p = new ProcessBuilder(concat(args))
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(STTY_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static List<String> concat(List<String> args) {
        List<String> command = new java.util.ArrayList<>();
        command.add("stty");
        command.addAll(args);
        return command;
    }
}
