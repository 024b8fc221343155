package org.gunyah.vmm.managed;

import java.io.OutputStream;
import java.time.Duration;

/**
 * A VM's PL011 UART seen from the host, as a terminal on its serial line: bytes sent here are
 * what the guest receives, and what the guest transmits goes to every attached stream (and, in
 * lines, to the VM's console, {@link ManagedVm#console()}).
 */
public interface Serial {
    /**
     * Gives {@code bytes} to the guest, in order after what came before. What the receive FIFO
     * cannot take yet waits in a host-side buffer of {@link Devices#PL011_INPUT_LIMIT} bytes;
     * while that is full this waits up to {@code wait} for the guest to read. Returns how many
     * bytes were taken: all of them, unless the buffer stayed full for {@code wait}.
     */
    int send(byte[] bytes, Duration wait) throws InterruptedException;

    /**
     * From now on, writes each byte the guest transmits to {@code out} and flushes it, on the
     * transmitting vCPU's thread (a slow stream slows the guest, as a slow serial line does). A
     * stream that throws is detached. Closing the attachment detaches it.
     */
    Attachment attach(OutputStream out);

    /** An attached stream; closing detaches it, idempotently. */
    interface Attachment extends AutoCloseable {
        @Override
        void close();
    }
}
