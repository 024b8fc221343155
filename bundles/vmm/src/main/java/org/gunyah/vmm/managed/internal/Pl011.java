package org.gunyah.vmm.managed.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.IntConsumer;
import org.gunyah.vmm.managed.Devices;

/**
 * The ARM PrimeCell UART (PL011, r1p5; ARM DDI0183) as Linux's amba-pl011 driver uses it. The
 * line is infinitely fast: a byte written to UARTDR is transmitted at once (to {@code transmit}),
 * so the transmit FIFO is always empty and never busy. Received bytes pass through the receive
 * FIFO (32 deep, or a 1-byte holding register with LCR_H.FEN clear); bytes the host sends while
 * the FIFO is full, or while the receiver is disabled, wait in a host-side buffer of
 * {@link Devices#PL011_INPUT_LIMIT} bytes and enter the FIFO as the guest makes room: never lost,
 * and never more than that many held.
 *
 * <p>Interrupts: RXIS while the FIFO holds at least the IFLS receive level; RTIS when bytes arrive
 * and wait below that level (the receive timeout, taken at once rather than after 32 bit periods:
 * the guest's handler reads the FIFO until empty either way), cleared when the FIFO empties; TXIS
 * when the transmitter is enabled and again at each transmitted byte (the FIFO is at once back
 * under any level, as QEMU's pl011 does); all cleared by UARTICR. The interrupt line is
 * {@code (RIS & IMSC) != 0}; {@code changed} runs (outside the device's lock) after every change
 * that may have asserted it, for the VMM to signal the level irqfd (see {@link LevelInterrupt}).
 * Modem lines read as a connected terminal: CTS, DSR and DCD asserted, RI not, and never change.
 * Errors (framing, parity, break, overrun) never happen.
 */
final class Pl011 {
    static final int DR = 0x000;
    static final int RSR_ECR = 0x004;
    static final int FR = 0x018;
    static final int ILPR = 0x020;
    static final int IBRD = 0x024;
    static final int FBRD = 0x028;
    static final int LCR_H = 0x02c;
    static final int CR = 0x030;
    static final int IFLS = 0x034;
    static final int IMSC = 0x038;
    static final int RIS = 0x03c;
    static final int MIS = 0x040;
    static final int ICR = 0x044;
    static final int DMACR = 0x048;

    static final int FR_CTS = 1;
    static final int FR_DSR = 1 << 1;
    static final int FR_DCD = 1 << 2;
    static final int FR_BUSY = 1 << 3;
    static final int FR_RXFE = 1 << 4;
    static final int FR_TXFF = 1 << 5;
    static final int FR_RXFF = 1 << 6;
    static final int FR_TXFE = 1 << 7;

    static final int LCR_H_FEN = 1 << 4;
    static final int CR_UARTEN = 1;
    static final int CR_TXE = 1 << 8;
    static final int CR_RXE = 1 << 9;

    static final int INT_RX = 1 << 4;
    static final int INT_TX = 1 << 5;
    static final int INT_RT = 1 << 6;
    static final int INT_ALL = 0x7ff;

    /** The receive FIFO's depth with LCR_H.FEN set. */
    static final int FIFO_DEPTH = 32;

    /** UARTPeriphID0-3 and UARTPCellID0-3 at 0xFE0..0xFFC: the AMBA bus matches the driver by these. */
    private static final int[] ID = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

    private static final int CR_RESET = CR_RXE | CR_TXE;
    private static final int IFLS_RESET = 0x12;

    private final IntConsumer transmit;
    private final Runnable changed;
    private final ArrayDeque<Byte> fifo = new ArrayDeque<>(FIFO_DEPTH);
    private final ArrayDeque<Byte> waiting = new ArrayDeque<>();

    private int ilpr;
    private int ibrd;
    private int fbrd;
    private int lcrH;
    private int cr = CR_RESET;
    private int ifls = IFLS_RESET;
    private int imsc;
    private int ris;

    /**
     * {@code transmit} takes each byte the guest sends, on the sending vCPU's thread; {@code changed}
     * hears of each change that may have asserted the interrupt line.
     */
    Pl011(IntConsumer transmit, Runnable changed) {
        this.transmit = transmit;
        this.changed = changed;
    }

    /** A guest read at {@code offset} from the base (every register reads whole, whatever the access size). */
    long read(long offset) {
        boolean arrived;
        long value;
        synchronized (this) {
            if (offset == DR) {
                value = fifo.isEmpty() ? 0 : fifo.removeFirst() & 0xff;
                arrived = afterRead();
            } else {
                value = register(offset);
                arrived = false;
            }
        }
        if (arrived) {
            changed.run();
        }
        return value;
    }

    private long register(long offset) {
        return switch ((int) offset) {
            case FR -> flags();
            case ILPR -> ilpr;
            case IBRD -> ibrd;
            case FBRD -> fbrd;
            case LCR_H -> lcrH;
            case CR -> cr;
            case IFLS -> ifls;
            case IMSC -> imsc;
            case RIS -> ris;
            case MIS -> ris & imsc;
            default -> offset >= 0xfe0 && offset <= 0xffc && offset % 4 == 0 ? ID[(int) (offset - 0xfe0) / 4] : 0;
        };
    }

    private int flags() {
        int f = FR_TXFE | FR_CTS | FR_DSR | FR_DCD;
        if (fifo.isEmpty()) {
            f |= FR_RXFE;
        }
        if (fifo.size() >= depth()) {
            f |= FR_RXFF;
        }
        return f;
    }

    /** A guest write at {@code offset} from the base. */
    void write(long offset, long data) {
        int value = (int) data;
        boolean mayAssert = false;
        int sent = -1;
        synchronized (this) {
            switch ((int) offset) {
                case DR -> {
                    sent = value & 0xff;
                    ris |= INT_TX;
                    mayAssert = true;
                }
                case ILPR -> ilpr = value & 0xff;
                case IBRD -> ibrd = value & 0xffff;
                case FBRD -> fbrd = value & 0x3f;
                case LCR_H -> {
                    lcrH = value & 0xff;
                    mayAssert = refill();
                }
                case CR -> {
                    boolean txWas = transmitting();
                    cr = value & 0xffff;
                    if (!txWas && transmitting()) {
                        ris |= INT_TX;
                    }
                    mayAssert = refill() || (!txWas && transmitting());
                }
                case IFLS -> {
                    ifls = value & 0x3f;
                    mayAssert = levels();
                }
                case IMSC -> {
                    imsc = value & INT_ALL;
                    mayAssert = true;
                }
                case ICR -> ris &= ~(value & INT_ALL);
                default -> {
                    // RSR/ECR (a write clears errors, which never happen), DMACR (no DMA), IDs: ignored
                }
            }
        }
        if (sent >= 0) {
            transmit.accept(sent);
        }
        if (mayAssert) {
            changed.run();
        }
    }

    /**
     * Takes up to {@code bytes.length} bytes for the guest to receive, waiting up to {@code wait}
     * for room in the host-side buffer while it is full; returns how many it took (fewer than all
     * only when the buffer stayed full for {@code wait}).
     */
    int receive(byte[] bytes, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        int taken = 0;
        while (true) {
            boolean arrived;
            synchronized (this) {
                while (taken < bytes.length && held() < Devices.PL011_INPUT_LIMIT) {
                    waiting.addLast(bytes[taken++]);
                }
                arrived = refill();
            }
            if (arrived) {
                changed.run();
            }
            if (taken == bytes.length || !awaitRoom(deadline)) {
                return taken;
            }
        }
    }

    /** Waits until the host-side buffer has room, or the deadline; false at the deadline. */
    private synchronized boolean awaitRoom(long deadline) throws InterruptedException {
        while (held() >= Devices.PL011_INPUT_LIMIT) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Bytes the guest has not read yet: in the FIFO and waiting for room in it. */
    synchronized int held() {
        return fifo.size() + waiting.size();
    }

    /** The interrupt line: some raw interrupt the guest has unmasked. */
    synchronized boolean interruptLine() {
        return (ris & imsc) != 0;
    }

    private int depth() {
        return (lcrH & LCR_H_FEN) != 0 ? FIFO_DEPTH : 1;
    }

    /** The receive level of IFLS: 1/8, 1/4, 1/2, 3/4 or 7/8 of the FIFO; 1 without it. */
    private int rxLevel() {
        if (depth() == 1) {
            return 1;
        }
        return switch ((ifls >> 3) & 7) {
            case 0 -> FIFO_DEPTH / 8;
            case 1 -> FIFO_DEPTH / 4;
            case 3 -> FIFO_DEPTH * 3 / 4;
            case 4 -> FIFO_DEPTH * 7 / 8;
            default -> FIFO_DEPTH / 2;
        };
    }

    private boolean receiving() {
        return (cr & (CR_UARTEN | CR_RXE)) == (CR_UARTEN | CR_RXE);
    }

    private boolean transmitting() {
        return (cr & (CR_UARTEN | CR_TXE)) == (CR_UARTEN | CR_TXE);
    }

    /** Moves waiting bytes into the FIFO while it has room and the receiver is on; true when some arrived. */
    private boolean refill() {
        boolean arrived = false;
        while (receiving() && !waiting.isEmpty() && fifo.size() < depth()) {
            fifo.addLast(waiting.removeFirst());
            arrived = true;
        }
        if (arrived) {
            ris |= fifo.size() >= rxLevel() ? INT_RX : INT_RT;
            notifyAll();
        }
        return arrived;
    }

    /** After the guest took a byte: the FIFO's level falls, and a waiting byte may come in. */
    private boolean afterRead() {
        levels();
        notifyAll();
        return refill();
    }

    /**
     * Re-derives RX and RT from the FIFO's level: RX only while at the level, RT gone once empty
     * and set while bytes wait below the level. True when one was newly set.
     */
    private boolean levels() {
        int before = ris;
        if (fifo.size() < rxLevel()) {
            ris &= ~INT_RX;
            if (!fifo.isEmpty() && (before & INT_RX) != 0) {
                ris |= INT_RT;
            }
        } else if (!fifo.isEmpty() && (before & INT_RT) != 0) {
            ris = (ris & ~INT_RT) | INT_RX;
        }
        if (fifo.isEmpty()) {
            ris &= ~INT_RT;
        }
        return (ris & ~before) != 0;
    }
}
