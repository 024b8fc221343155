package org.gunyah.vmm.managed.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.gunyah.vmm.device.MmioDevice;
import org.gunyah.vmm.managed.Devices;

/**
 * The console device model: bytes per transmit register (and the PL011's), gathered into lines
 * per vCPU (and one for the PL011) and kept in a bounded tail. Complete lines also go to {@code sink} (the log, or the demo's output).
 */
final class Console {
    /** The PL011's key among the registers' (0, 1, ...). */
    private static final int SERIAL = -1;

    private final Consumer<String> sink;
    private final Runnable progress;
    private final Map<Integer, StringBuilder> partial = new HashMap<>();
    private final StringBuilder tail = new StringBuilder();
    private long writes;

    /** {@code progress} hears of every byte (the watchdog's sign of life). */
    Console(Consumer<String> sink, Runnable progress) {
        this.sink = sink;
        this.progress = progress;
    }

    Console(Consumer<String> sink) {
        this(sink, () -> {});
    }

    /** The transmit registers on the bus at {@link Devices#CONSOLE_BASE}: vCPU n's at offset 8n; reads are 0 (never busy). */
    MmioDevice registers() {
        return new MmioDevice() {
            @Override
            public long read(long offset, int size) {
                return 0;
            }

            @Override
            public void write(long offset, int size, long value) {
                put((int) (offset / 8), (char) (value & 0xff));
            }
        };
    }

    /** A byte the PL011 transmitted: its lines are gathered apart from every console register's. */
    void serial(int b) {
        put(SERIAL, (char) (b & 0xff));
    }

    private void put(int register, char c) {
        progress.run();
        String line = null;
        synchronized (this) {
            writes++;
            StringBuilder b = partial.computeIfAbsent(register, r -> new StringBuilder());
            if (c == '\n') {
                line = b.toString();
                b.setLength(0);
                tail.append(line).append('\n');
                if (tail.length() > Devices.CONSOLE_KEEP) {
                    tail.delete(0, tail.length() - Devices.CONSOLE_KEEP);
                }
            } else if (c != '\r' && b.length() < Devices.CONSOLE_KEEP) {
                b.append(c);
            }
        }
        if (line != null) {
            sink.accept(line);
        }
    }

    synchronized String text() {
        return tail.toString();
    }

    synchronized long writes() {
        return writes;
    }
}
