package org.gunyah.vmm.device.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gunyah.vmm.virtio.DescriptorChain;
import org.gunyah.vmm.virtio.testing.FakeRam;

/**
 * Any request a guest can put on the ring (the chains the queue hands out: buffers in RAM,
 * readable before writable, with any header, sector and segments): the device answers it with a
 * status it may give, writes nothing in guest memory outside the chain's writable buffers, never
 * changes the disk's size, and never changes a read-only disk.
 */
class BlockRequestFuzzTest {
    private static final long RAM_SIZE = 16 << 10;
    private static final int SECTORS = 16;
    private static final int[] TYPES = {
        BlockDevice.T_IN,
        BlockDevice.T_OUT,
        BlockDevice.T_FLUSH,
        BlockDevice.T_GET_ID,
        BlockDevice.T_DISCARD,
        BlockDevice.T_WRITE_ZEROES
    };

    @FuzzTest
    void aRequestIsAnsweredWithinItsBuffersAndTheDisk(FuzzedDataProvider data) throws Exception {
        boolean readOnly = data.consumeBoolean();
        Path file = Files.createTempFile("blk-fuzz", ".img");
        byte[] image = new byte[SECTORS * Disk.SECTOR];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (i * 31 + 7);
        }
        Files.write(file, image);
        try (FakeRam ram = new FakeRam(RAM_SIZE);
                BlockDevice device = new BlockDevice(
                        "fuzz",
                        ram,
                        Disk.open(Map.of("file", file.toString(), "readonly", Boolean.toString(readOnly))))) {
            Request request = request(data);
            byte[] contents = data.consumeRemainingAsBytes();
            ram.put(FakeRam.BASE, java.util.Arrays.copyOf(contents, Math.min(contents.length, (int) RAM_SIZE)));
            DescriptorChain chain = request.chain();
            request.header().ifPresent(h -> {
                ram.putInt(chain.buffers().getFirst().address(), h.type());
                ram.putLong(chain.buffers().getFirst().address() + 8, h.sector());
            });
            byte[] before = ram.get(FakeRam.BASE, (int) RAM_SIZE);

            long written = device.serve(chain);

            assertTrue(written >= 0 && written <= chain.writableLength(), () -> written + " for " + chain);
            byte[] after = ram.get(FakeRam.BASE, (int) RAM_SIZE);
            for (int i = 0; i < before.length; i++) {
                if (before[i] != after[i]) {
                    assertTrue(writable(chain, FakeRam.BASE + i), "wrote outside the writable buffers at +" + i);
                }
            }
            if (written > 0) {
                int status = after[(int) (lastWritableByte(chain) - FakeRam.BASE)];
                assertTrue(status >= BlockDevice.S_OK && status <= BlockDevice.S_UNSUPP, "status " + status);
            }
        } finally {
            assertEquals(image.length, Files.size(file));
            if (readOnly) {
                assertArrayEquals(image, Files.readAllBytes(file));
            }
            Files.delete(file);
        }
    }

    record Header(int type, long sector) {}

    record Request(DescriptorChain chain, java.util.Optional<Header> header) {}

    /**
     * One to six buffers inside RAM, readable ones first, and often a plausible header for the
     * first: drawn before guest memory's bytes, which take the rest of the input.
     */
    private static Request request(FuzzedDataProvider data) {
        int count = data.consumeInt(1, 6);
        int readable = data.consumeInt(0, count);
        List<DescriptorChain.Buffer> buffers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int offset = data.consumeInt(0, (int) RAM_SIZE - 1);
            int length = data.consumeInt(1, (int) Math.min(RAM_SIZE - offset, 4 * Disk.SECTOR + 16));
            buffers.add(new DescriptorChain.Buffer(FakeRam.BASE + offset, length, i >= readable));
        }
        java.util.Optional<Header> header = java.util.Optional.empty();
        if (readable > 0 && buffers.getFirst().size() >= BlockDevice.HEADER_BYTES && data.consumeBoolean()) {
            header = java.util.Optional.of(new Header(
                    data.consumeBoolean() ? TYPES[data.consumeInt(0, TYPES.length - 1)] : data.consumeInt(),
                    data.consumeBoolean() ? data.consumeLong(0, SECTORS + 1) : data.consumeLong()));
        }
        return new Request(new DescriptorChain(0, buffers), header);
    }

    private static boolean writable(DescriptorChain chain, long address) {
        return chain.buffers().stream()
                .anyMatch(b -> b.writable() && address >= b.address() && address - b.address() < b.size());
    }

    private static long lastWritableByte(DescriptorChain chain) {
        DescriptorChain.Buffer last = chain.buffers().stream()
                .filter(DescriptorChain.Buffer::writable)
                .reduce((a, b) -> b)
                .orElseThrow();
        return last.address() + last.size() - 1;
    }
}
