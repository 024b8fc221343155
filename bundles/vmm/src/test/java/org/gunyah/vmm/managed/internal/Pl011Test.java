package org.gunyah.vmm.managed.internal;

import static org.gunyah.vmm.managed.internal.Pl011.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.managed.Devices;
import org.junit.jupiter.api.Test;

/** The PL011's registers as Linux's amba-pl011 driver reads and writes them. */
class Pl011Test {
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final AtomicInteger changes = new AtomicInteger();
    private final Pl011 uart = new Pl011(sent::write, changes::incrementAndGet);

    private static final int CONNECTED = FR_CTS | FR_DSR | FR_DCD;

    /** As the driver's startup leaves it: enabled, receive and transmit on, the FIFOs on. */
    private void enable() {
        uart.write(LCR_H, LCR_H_FEN | 0x60);
        uart.write(CR, CR_UARTEN | CR_TXE | CR_RXE);
    }

    private void send(String text) throws InterruptedException {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(bytes.length, uart.receive(bytes, Duration.ZERO));
    }

    private String readAll() {
        StringBuilder b = new StringBuilder();
        while ((uart.read(FR) & FR_RXFE) == 0) {
            b.append((char) uart.read(DR));
        }
        return b.toString();
    }

    @Test
    void itsIdRegistersNameAPl011R1p5PrimeCell() {
        int[] expected = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(
                    expected[i], uart.read(0xfe0 + 4 * i), "id register at 0x" + Integer.toHexString(0xfe0 + 4 * i));
        }
    }

    @Test
    void atResetTheTransmitterIsEmptyAndNeverBusyAndTheReceiverEmpty() {
        assertEquals(FR_TXFE | FR_RXFE | CONNECTED, uart.read(FR));
        assertEquals(CR_TXE | CR_RXE, uart.read(CR));
        assertEquals(0x12, uart.read(IFLS));
        assertEquals(0, uart.read(RIS));
    }

    @Test
    void aWrittenByteIsTransmittedAtOnceAndTheFlagsStayEmpty() {
        enable();

        uart.write(DR, 'A');
        uart.write(DR, 0x142); // only the low 8 bits are data

        assertEquals("AB", sent.toString(StandardCharsets.ISO_8859_1));
        assertEquals(0, uart.read(FR) & (FR_TXFF | FR_BUSY));
        assertEquals(FR_TXFE, uart.read(FR) & FR_TXFE);
    }

    @Test
    void receivedBytesAreReadInOrderWithTheirErrorBitsClear() throws Exception {
        enable();
        send("hi");

        assertEquals(0, uart.read(FR) & FR_RXFE);
        assertEquals('h', uart.read(DR));
        assertEquals('i', uart.read(DR));
        assertEquals(FR_RXFE, uart.read(FR) & FR_RXFE);
        assertEquals(0, uart.read(RSR_ECR));
    }

    @Test
    void readingAnEmptyFifoGivesZero() {
        enable();

        assertEquals(0, uart.read(DR));
    }

    @Test
    void bytesWaitForTheReceiverToBeEnabled() throws Exception {
        send("x");
        assertEquals(FR_RXFE, uart.read(FR) & FR_RXFE);

        enable();

        assertEquals("x", readAll());
    }

    @Test
    void aFullFifoSetsRxffAndTheRestWaitsInOrder() throws Exception {
        enable();
        String text = "0123456789abcdefghijklmnopqrstuvwxyzABCD"; // 40 bytes
        send(text);

        assertEquals(FR_RXFF, uart.read(FR) & FR_RXFF);
        assertEquals(40, uart.held());
        assertEquals(text, readAll());
        assertEquals(0, uart.read(FR) & FR_RXFF);
    }

    @Test
    void withTheFifoOffTheHoldingRegisterTakesOneByteAtATime() throws Exception {
        uart.write(CR, CR_UARTEN | CR_TXE | CR_RXE);
        send("abc");

        assertEquals(FR_RXFF, uart.read(FR) & FR_RXFF);
        assertEquals('a', uart.read(DR));
        assertEquals(FR_RXFF, uart.read(FR) & FR_RXFF);
        assertEquals("bc", readAll());
    }

    @Test
    void turningTheFifoOnLetsWaitingBytesIn() throws Exception {
        uart.write(CR, CR_UARTEN | CR_TXE | CR_RXE);
        send("abc");

        uart.write(LCR_H, LCR_H_FEN);

        assertEquals(0, uart.read(FR) & FR_RXFF);
        assertEquals("abc", readAll());
    }

    @Test
    void theHostSideBufferIsBoundedAndTakesMoreAsTheGuestReads() throws Exception {
        enable();
        byte[] many = new byte[Devices.PL011_INPUT_LIMIT + 10];

        assertEquals(Devices.PL011_INPUT_LIMIT, uart.receive(many, Duration.ZERO));
        uart.read(DR);

        assertEquals(1, uart.receive(new byte[5], Duration.ZERO));
        assertEquals(Devices.PL011_INPUT_LIMIT, uart.held());
    }

    @Test
    void aSenderWaitingForRoomFinishesOnceTheGuestReads() throws Exception {
        enable();
        uart.receive(new byte[Devices.PL011_INPUT_LIMIT], Duration.ZERO);

        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return uart.receive(new byte[] {1, 2}, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        uart.read(DR);
        uart.read(DR);

        assertEquals(2, waiting.get(10, TimeUnit.SECONDS));
    }

    @Test
    void theRegistersKeepWhatIsWrittenWithinTheirWidths() {
        uart.write(ILPR, 0x1ff);
        uart.write(IBRD, 0x1_0005);
        uart.write(FBRD, 0xff);
        uart.write(LCR_H, 0x170);
        uart.write(IFLS, 0xff);
        uart.write(IMSC, 0xffff);
        uart.write(DMACR, 7);

        assertEquals(0xff, uart.read(ILPR));
        assertEquals(5, uart.read(IBRD));
        assertEquals(0x3f, uart.read(FBRD));
        assertEquals(0x70, uart.read(LCR_H));
        assertEquals(0x3f, uart.read(IFLS));
        assertEquals(INT_ALL, uart.read(IMSC));
        assertEquals(0, uart.read(DMACR));
    }

    @Test
    void bytesBelowTheReceiveLevelRaiseTheTimeoutInterrupt() throws Exception {
        enable(); // IFLS at reset: half full, 16 bytes
        send("a".repeat(15));

        assertEquals(INT_RT, uart.read(RIS) & (INT_RX | INT_RT));
    }

    @Test
    void aFifoAtTheReceiveLevelRaisesTheReceiveInterrupt() throws Exception {
        enable();
        send("a".repeat(16));

        assertEquals(INT_RX, uart.read(RIS) & INT_RX);
    }

    @Test
    void theReceiveLevelFollowsIfls() throws Exception {
        enable();
        uart.write(IFLS, 0 << 3); // 1/8: 4 bytes
        send("abcd");

        assertEquals(INT_RX, uart.read(RIS) & INT_RX);
    }

    @Test
    void withTheFifoOffOneByteRaisesTheReceiveInterrupt() throws Exception {
        uart.write(CR, CR_UARTEN | CR_TXE | CR_RXE);
        send("a");

        assertEquals(INT_RX, uart.read(RIS) & INT_RX);
    }

    @Test
    void readingBelowTheLevelClearsReceiveAndLeavesTheTimeoutForWhatWaits() throws Exception {
        enable();
        send("a".repeat(16));

        uart.read(DR);

        assertEquals(INT_RT, uart.read(RIS) & (INT_RX | INT_RT));
    }

    @Test
    void readingTheFifoEmptyClearsBothReceiveInterrupts() throws Exception {
        enable();
        send("a".repeat(20));

        readAll();

        assertEquals(0, uart.read(RIS) & (INT_RX | INT_RT));
    }

    @Test
    void theClearRegisterClearsTheTimeoutUntilTheNextByte() throws Exception {
        enable();
        send("a");

        uart.write(ICR, INT_RT);
        assertEquals(0, uart.read(RIS) & INT_RT);

        send("b");
        assertEquals(INT_RT, uart.read(RIS) & INT_RT);
    }

    @Test
    void theTransmitInterruptIsRaisedByEnablingAndByEachByteAndClearedByIcr() {
        assertEquals(0, uart.read(RIS) & INT_TX);
        enable();
        assertEquals(INT_TX, uart.read(RIS) & INT_TX);

        uart.write(ICR, INT_TX);
        assertEquals(0, uart.read(RIS) & INT_TX);

        uart.write(DR, 'x');
        assertEquals(INT_TX, uart.read(RIS) & INT_TX);
    }

    @Test
    void misIsRisMaskedByImsc() throws Exception {
        enable();
        send("a");

        uart.write(IMSC, INT_RT);

        assertEquals(INT_RT | INT_TX, uart.read(RIS) & (INT_RT | INT_TX));
        assertEquals(INT_RT, uart.read(MIS));
    }

    @Test
    void theLineIsUpExactlyWhileAnUnmaskedInterruptIsRaised() throws Exception {
        enable();
        uart.write(ICR, INT_ALL);
        uart.write(IMSC, INT_RX | INT_RT);
        assertFalse(uart.interruptLine());

        send("a");
        assertTrue(uart.interruptLine());

        uart.read(DR);
        assertFalse(uart.interruptLine());
    }

    @Test
    void theDeviceTellsOfEachArrivalAndUnmasking() throws Exception {
        enable();
        int before = changes.get();

        send("a");
        assertEquals(before + 1, changes.get());

        uart.write(IMSC, INT_RT);
        assertEquals(before + 2, changes.get());
    }

    @Test
    void readingTheFlagsTellsNothing() {
        enable();
        int before = changes.get();

        uart.read(FR);
        uart.read(RIS);

        assertEquals(before, changes.get());
    }
}
