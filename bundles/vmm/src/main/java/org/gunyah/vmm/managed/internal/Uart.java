package org.gunyah.vmm.managed.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.device.MmioDevice;
import org.gunyah.vmm.managed.Devices;
import org.gunyah.vmm.managed.Serial;

/**
 * A VM's PL011 put together: the register model ({@link Pl011}) on the MMIO bus at
 * {@link Devices#PL011_BASE}, its level interrupt ({@link LevelInterrupt}) signalling the irqfd,
 * its transmitted bytes to the console and the attached streams, and the host's bytes in.
 */
final class Uart implements MmioDevice, Serial, AutoCloseable {
    private static final Logger LOG = System.getLogger(Uart.class.getName());

    private final Pl011 pl011;
    private final LevelInterrupt interrupt;
    private final IntConsumer console;
    private final CopyOnWriteArrayList<OutputStream> attached = new CopyOnWriteArrayList<>();

    /**
     * {@code console} takes each transmitted byte; {@code signal} signals the UART's level irqfd,
     * whose resample eventfd is {@code resample}.
     */
    Uart(IntConsumer console, Runnable signal, EventFd resample) {
        this.console = console;
        this.pl011 = new Pl011(this::transmitted, this::changed);
        this.interrupt = new LevelInterrupt(pl011::interruptLine, signal, resample);
    }

    private void changed() {
        interrupt.changed();
    }

    private void transmitted(int b) {
        console.accept(b);
        for (OutputStream out : attached) {
            try {
                out.write(b);
                out.flush();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "serial output stream failed, detached: {0}", e.getMessage());
                attached.remove(out);
            }
        }
    }

    @Override
    public long read(long offset, int size) {
        return pl011.read(offset);
    }

    @Override
    public void write(long offset, int size, long value) {
        pl011.write(offset, value);
    }

    @Override
    public int send(byte[] bytes, Duration wait) throws InterruptedException {
        return pl011.receive(bytes, wait);
    }

    @Override
    public Attachment attach(OutputStream out) {
        attached.add(out);
        return () -> attached.remove(out);
    }

    /** Received bytes the guest has not read yet. */
    int pending() {
        return pl011.held();
    }

    /** Stops hearing the interrupt's acknowledgements: the VM goes down. */
    @Override
    public void close() {
        interrupt.close();
    }
}
