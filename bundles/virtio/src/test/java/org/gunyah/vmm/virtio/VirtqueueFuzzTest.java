package org.gunyah.vmm.virtio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import org.gunyah.vmm.virtio.DescriptorChain.Buffer;
import org.gunyah.vmm.virtio.testing.FakeRam;

/**
 * Any guest memory and any queue configuration: the queue gives chains whose every buffer is
 * RAM, or refuses with a {@link VirtqueueException}, and nothing else ever comes out of it.
 */
class VirtqueueFuzzTest {
    private static final long RAM_SIZE = 64 << 10;

    @FuzzTest
    void aQueueGivesChainsInsideRamOrRefusesWithAVirtqueueException(FuzzedDataProvider data) {
        try (FakeRam ram = new FakeRam(RAM_SIZE)) {
            QueueLayout layout = new QueueLayout(
                    data.consumeBoolean() ? 1 << data.consumeInt(0, 12) : data.consumeInt(),
                    address(data),
                    address(data),
                    address(data));
            long features = data.consumeLong();
            int lastAvail = data.consumeInt();
            int usedIdx = data.consumeInt();
            int takes = data.consumeInt(1, 8);
            ram.put(FakeRam.BASE, data.consumeBytes(data.consumeInt(0, (int) RAM_SIZE)));
            int pokes = data.consumeInt(0, 32);
            for (int i = 0; i < pokes; i++) {
                poke(data, ram, layout, lastAvail);
            }
            try {
                SplitVirtqueue queue = new SplitVirtqueue(ram, layout, features, lastAvail, usedIdx);
                for (int i = 0; i < takes; i++) {
                    Optional<DescriptorChain> chain = queue.next();
                    if (chain.isEmpty()) {
                        return;
                    }
                    check(ram, layout, chain.get());
                    queue.complete(chain.get(), chain.get().writableLength());
                }
            } catch (VirtqueueException e) {
                // the refusal the queue is allowed
            }
        }
    }

    /**
     * Over the arbitrary bytes, what a driver would write, with fuzzed values: without it the
     * fuzzer hardly ever meets a ring that holds a chain, and never walks one.
     */
    private static void poke(FuzzedDataProvider data, FakeRam ram, QueueLayout layout, int lastAvail) {
        int size = Math.max(1, layout.size());
        switch (data.consumeInt(0, 3)) {
            case 0 -> {
                // a chain of one to three descriptors from a head, made available at the next entry
                int head = data.consumeInt(0, 15);
                int length = data.consumeInt(1, 3);
                for (int i = 0; i < length; i++) {
                    int flags = i < length - 1 ? DriverRing.NEXT : 0;
                    putDescriptor(data, ram, layout.descriptors() + 16L * (head + i), flags, head + i + 1);
                }
                put16(ram, layout.driver() + 4 + 2L * (lastAvail & (size - 1)), head);
                put16(ram, layout.driver() + 2, lastAvail + 1);
            }
            case 1 -> putDescriptor(data, ram, layout.descriptors() + 16L * data.consumeInt(0, 15), 0, 0);
            case 2 -> putDescriptor(data, ram, address(data), 0, 0);
            default -> put16(ram, layout.driver() + 2, lastAvail + data.consumeInt(0, 3));
        }
    }

    private static void put16(FakeRam ram, long at, int value) {
        if (ram.contains(at, 2)) {
            ram.putShort(at, value);
        }
    }

    /** A descriptor with fuzzed fields, unless {@code data} says to keep the flags and next given. */
    private static void putDescriptor(FuzzedDataProvider data, FakeRam ram, long at, int flags, int next) {
        long address = address(data);
        int length = data.consumeBoolean() ? data.consumeInt(0, 64) : data.consumeInt();
        if (data.consumeBoolean()) {
            flags = data.consumeInt(0, 7);
            next = data.consumeInt(0, 16);
        }
        if (ram.contains(at, 16)) {
            DriverRing.writeDescAt(ram, at, address, length, flags, next);
        }
    }

    /** Mostly inside RAM and aligned, as a driver would place things, so that the fuzzer reaches the walk. */
    private static long address(FuzzedDataProvider data) {
        return data.consumeBoolean() ? FakeRam.BASE + (data.consumeLong(0, RAM_SIZE) & ~15L) : data.consumeLong();
    }

    private static void check(FakeRam ram, QueueLayout layout, DescriptorChain chain) {
        assertTrue(chain.head() >= 0 && chain.head() < layout.size(), chain::toString);
        assertTrue(!chain.buffers().isEmpty() && chain.buffers().size() <= layout.size(), chain::toString);
        long total = 0;
        boolean writable = false;
        for (Buffer b : chain.buffers()) {
            assertTrue(ram.contains(b.address(), b.size()), chain::toString);
            assertTrue(b.writable() || !writable, chain::toString);
            writable = b.writable();
            total += b.size();
        }
        assertTrue(total > 0 && total < 1L << 32, chain::toString);
    }
}
