package org.gunyah.vmm.device.blk;

import static org.gunyah.vmm.device.blk.BlockDevice.S_IOERR;
import static org.gunyah.vmm.device.blk.BlockDevice.S_OK;
import static org.gunyah.vmm.device.blk.BlockDevice.S_UNSUPP;
import static org.gunyah.vmm.device.blk.BlockDevice.T_DISCARD;
import static org.gunyah.vmm.device.blk.BlockDevice.T_FLUSH;
import static org.gunyah.vmm.device.blk.BlockDevice.T_GET_ID;
import static org.gunyah.vmm.device.blk.BlockDevice.T_IN;
import static org.gunyah.vmm.device.blk.BlockDevice.T_OUT;
import static org.gunyah.vmm.device.blk.BlockDevice.T_WRITE_ZEROES;
import static org.gunyah.vmm.device.blk.Guest.Buf.in;
import static org.gunyah.vmm.device.blk.Guest.Buf.out;
import static org.gunyah.vmm.device.blk.Guest.heap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.gunyah.vmm.device.Device;
import org.gunyah.vmm.device.DeviceState;
import org.gunyah.vmm.virtio.testing.FakeRam;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block device as a driver sees it through its transport, against a disk image in a temporary file. */
class VirtioBlkTest {
    static final int SECTORS = 64;
    static final long HEADER = heap(0);
    static final long DATA = heap(0x1000);
    static final long STATUS = heap(0x800);

    @TempDir
    Path dir;

    final FakeRam ram = new FakeRam(1 << 20);
    final FakeContext context = new FakeContext(ram);
    Path file;
    byte[] image;
    Device device;

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
        }
        ram.close();
    }

    /** A disk of {@link #SECTORS} random sectors, its device made with {@code options} and started by the guest. */
    Guest disk(String... options) throws Exception {
        image = new byte[SECTORS * 512];
        new Random(7).nextBytes(image);
        file = Files.write(dir.resolve("disk.img"), image);
        Map<String, String> map = new HashMap<>(Map.of("file", file.toString()));
        for (String o : options) {
            String[] kv = o.split("=", 2);
            map.put(kv[0], kv[1]);
        }
        device = new VirtioBlkModel().create(context, map, Optional.empty());
        return new Guest(context).start(device);
    }

    int status() {
        return ram.get(STATUS, 1)[0] & 0xff;
    }

    @Test
    void aReadFillsTheGuestsBuffersWithTheSectorsAsked() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_IN, 3);

        int len = g.request(in(HEADER, 16), out(DATA, 1024), out(STATUS, 1));

        assertEquals(S_OK, status());
        assertArrayEquals(Arrays.copyOfRange(image, 3 * 512, 5 * 512), ram.get(DATA, 1024));
        assertEquals(1025, len, "the data and the status byte were written");
    }

    @Test
    void aWriteLandsInTheFileAtItsSector() throws Exception {
        Guest g = disk();
        byte[] data = new byte[1536];
        new Random(1).nextBytes(data);
        ram.put(DATA, data);
        g.header(HEADER, T_OUT, 10);

        g.request(in(HEADER, 16), in(DATA, 1536), out(STATUS, 1));

        assertEquals(S_OK, status());
        byte[] after = Files.readAllBytes(file);
        assertArrayEquals(data, Arrays.copyOfRange(after, 10 * 512, 13 * 512));
        assertTrue(Arrays.equals(image, 0, 10 * 512, after, 0, 10 * 512), "the sectors before are as they were");
        assertTrue(Arrays.equals(image, 13 * 512, image.length, after, 13 * 512, after.length));
    }

    @Test
    void whatIsWrittenReadsBack() throws Exception {
        Guest g = disk();
        byte[] data = "written by the guest".getBytes(StandardCharsets.US_ASCII);
        ram.put(DATA, Arrays.copyOf(data, 512));
        g.header(HEADER, T_OUT, 5);
        g.request(in(HEADER, 16), in(DATA, 512), out(STATUS, 1));
        ram.put(DATA, new byte[512]);

        g.header(HEADER, T_IN, 5);
        g.request(in(HEADER, 16), out(DATA, 512), out(STATUS, 1));

        assertEquals(S_OK, status());
        assertArrayEquals(data, ram.get(DATA, data.length));
    }

    @Test
    void aRequestMayBeFramedAnyWayTheDriverLikes() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_IN, 1);
        // header split in two, the data in two buffers, the status byte at the end of the second
        g.request(in(HEADER, 5), in(HEADER + 5, 11), out(DATA, 300), out(DATA + 300, 213));

        assertEquals(S_OK, ram.get(DATA + 512, 1)[0]);
        assertArrayEquals(Arrays.copyOfRange(image, 512, 1024), ram.get(DATA, 512));
    }

    @Test
    void flushIsAnsweredOk() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_FLUSH, 0);

        g.request(in(HEADER, 16), out(STATUS, 1));

        assertEquals(S_OK, status());
    }

    @Test
    void getIdAnswersTheSerialPaddedWithNulsToTwentyBytes() throws Exception {
        Guest g = disk("serial=disk-0042");
        g.header(HEADER, T_GET_ID, 0);
        ram.put(DATA, new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1});

        g.request(in(HEADER, 16), out(DATA, 20), out(STATUS, 1));

        assertEquals(S_OK, status());
        assertArrayEquals(Arrays.copyOf("disk-0042".getBytes(StandardCharsets.US_ASCII), 20), ram.get(DATA, 20));
    }

    @Test
    void theSerialIsTheFilesNameUnlessGiven() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_GET_ID, 0);

        g.request(in(HEADER, 16), out(DATA, 20), out(STATUS, 1));

        assertArrayEquals(Arrays.copyOf("disk.img".getBytes(StandardCharsets.US_ASCII), 20), ram.get(DATA, 20));
    }

    @Test
    void theConfigurationSpaceHoldsTheCapacityAndTheLimitsOfTheOfferedFeatures() throws Exception {
        Guest g = disk();

        assertEquals(SECTORS, g.config(0, 8), "capacity in sectors");
        assertEquals(BlockDevice.QUEUE_SIZE - 2, g.config(12, 4), "seg_max");
        assertEquals(512, g.config(20, 4), "blk_size");
        assertEquals(1, g.config(34, 2), "num_queues");
        assertEquals(BlockDevice.MAX_RANGE_SECTORS, g.config(36, 4), "max_discard_sectors");
        assertEquals(BlockDevice.MAX_RANGE_SEGMENTS, g.config(40, 4), "max_discard_seg");
        assertEquals(1, g.config(44, 4), "discard_sector_alignment");
        assertEquals(BlockDevice.MAX_RANGE_SECTORS, g.config(48, 4), "max_write_zeroes_sectors");
        assertEquals(BlockDevice.MAX_RANGE_SEGMENTS, g.config(52, 4), "max_write_zeroes_seg");
        long wanted = BlockDevice.F_SEG_MAX
                | BlockDevice.F_BLK_SIZE
                | BlockDevice.F_FLUSH
                | BlockDevice.F_DISCARD
                | BlockDevice.F_WRITE_ZEROES;
        assertEquals(wanted, g.features & wanted, "the features the fields belong to");
        assertEquals(0, g.features & BlockDevice.F_RO);
    }

    @Test
    void aReadOnlyDiskOffersRoAndNeitherDiscardNorWriteZeroes() throws Exception {
        Guest g = disk("readonly=true");

        assertEquals(BlockDevice.F_RO, g.features & BlockDevice.F_RO);
        assertEquals(0, g.features & (BlockDevice.F_DISCARD | BlockDevice.F_WRITE_ZEROES));
    }

    @Test
    void aReadOnlyDiskAnswersWritesWithIoerrAndKeepsTheFile() throws Exception {
        Guest g = disk("readonly=true");
        ram.put(DATA, new byte[512]);
        g.header(HEADER, T_OUT, 0);

        g.request(in(HEADER, 16), in(DATA, 512), out(STATUS, 1));

        assertEquals(S_IOERR, status());
        assertArrayEquals(image, Files.readAllBytes(file));
    }

    @Test
    void aReadOnlyDiskAnswersWriteZeroesWithIoerrAndKeepsTheFile() throws Exception {
        Guest g = disk("readonly=true");
        g.header(HEADER, T_WRITE_ZEROES, 0);
        segment(HEADER + 16, 0, 4, 0);

        g.request(in(HEADER, 32), out(STATUS, 1));

        assertEquals(S_IOERR, status());
        assertArrayEquals(image, Files.readAllBytes(file));
    }

    @Test
    void aReadOnlyDiskStillReads() throws Exception {
        Guest g = disk("readonly=true");
        g.header(HEADER, T_IN, SECTORS - 1);

        g.request(in(HEADER, 16), out(DATA, 512), out(STATUS, 1));

        assertEquals(S_OK, status());
        assertArrayEquals(Arrays.copyOfRange(image, image.length - 512, image.length), ram.get(DATA, 512));
    }

    @Test
    void aWritePastTheEndIsIoerrAndLeavesTheFileUnchanged() throws Exception {
        Guest g = disk();
        ram.put(DATA, new byte[1024]);
        g.header(HEADER, T_OUT, SECTORS - 1);

        g.request(in(HEADER, 16), in(DATA, 1024), out(STATUS, 1));

        assertEquals(S_IOERR, status());
        assertArrayEquals(image, Files.readAllBytes(file), "not even the sector on the disk was written");
    }

    @Test
    void aReadPastTheEndIsIoerrAndWritesNoData() throws Exception {
        Guest g = disk();
        ram.put(DATA, new byte[1024]);
        g.header(HEADER, T_IN, SECTORS - 1);

        g.request(in(HEADER, 16), out(DATA, 1024), out(STATUS, 1));

        assertEquals(S_IOERR, status());
        assertArrayEquals(new byte[1024], ram.get(DATA, 1024));
    }

    @Test
    void aSectorNumberThatWouldWrapIsIoerr() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_IN, -1L);

        g.request(in(HEADER, 16), out(DATA, 512), out(STATUS, 1));

        assertEquals(S_IOERR, status());
    }

    @Test
    void aWriteOfPartOfASectorIsIoerr() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_OUT, 0);

        g.request(in(HEADER, 16), in(DATA, 100), out(STATUS, 1));

        assertEquals(S_IOERR, status());
        assertArrayEquals(image, Files.readAllBytes(file));
    }

    @Test
    void aReadOfPartOfASectorIsIoerr() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_IN, 0);

        g.request(in(HEADER, 16), out(DATA, 100), out(STATUS, 1));

        assertEquals(S_IOERR, status());
    }

    @Test
    void aHeaderShorterThanSixteenBytesIsIoerr() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_IN, 0);

        g.request(in(HEADER, 8), out(DATA, 512), out(STATUS, 1));

        assertEquals(S_IOERR, status());
    }

    @Test
    void aRequestWithoutAWritableByteIsGivenBackEmpty() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_OUT, 0);

        int len = g.request(in(HEADER, 16), in(DATA, 512));

        assertEquals(0, len);
        assertArrayEquals(image, Files.readAllBytes(file), "without a status byte nothing is done");
    }

    @Test
    void anUnknownRequestTypeIsUnsupp() throws Exception {
        Guest g = disk();
        g.header(HEADER, 99, 0);

        g.request(in(HEADER, 16), out(STATUS, 1));

        assertEquals(S_UNSUPP, status());
    }

    @Test
    void theDeviceServesTheRequestsAfterAMalformedOne() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_IN, 0);
        g.request(in(HEADER, 4), out(STATUS, 1));

        g.request(in(HEADER, 16), out(DATA, 512), out(STATUS, 1));

        assertEquals(S_OK, status());
        assertArrayEquals(Arrays.copyOf(image, 512), ram.get(DATA, 512));
    }

    void segment(long at, long sector, int sectors, int flags) {
        ram.putLong(at, sector);
        ram.putInt(at + 8, sectors);
        ram.putInt(at + 12, flags);
    }

    @Test
    void writeZeroesZeroesEachSegmentsSectors() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_WRITE_ZEROES, 0);
        segment(HEADER + 16, 2, 3, 0);
        segment(HEADER + 32, 40, 1, BlockDevice.FLAG_UNMAP);

        g.request(in(HEADER, 48), out(STATUS, 1));

        assertEquals(S_OK, status());
        byte[] expected = image.clone();
        Arrays.fill(expected, 2 * 512, 5 * 512, (byte) 0);
        Arrays.fill(expected, 40 * 512, 41 * 512, (byte) 0);
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void writeZeroesWithASegmentPastTheEndIsIoerrAndChangesNothing() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_WRITE_ZEROES, 0);
        segment(HEADER + 16, 0, 1, 0);
        segment(HEADER + 32, SECTORS - 1, 2, 0);

        g.request(in(HEADER, 48), out(STATUS, 1));

        assertEquals(S_IOERR, status());
        assertArrayEquals(image, Files.readAllBytes(file));
    }

    @Test
    void discardSucceedsAndKeepsTheData() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_DISCARD, 0);
        segment(HEADER + 16, 0, SECTORS, 0);

        g.request(in(HEADER, 32), out(STATUS, 1));

        assertEquals(S_OK, status());
        assertArrayEquals(image, Files.readAllBytes(file));
    }

    @Test
    void discardWithTheUnmapFlagIsUnsupp() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_DISCARD, 0);
        segment(HEADER + 16, 0, 1, BlockDevice.FLAG_UNMAP);

        g.request(in(HEADER, 32), out(STATUS, 1));

        assertEquals(S_UNSUPP, status());
    }

    @Test
    void aSuccessorMadeFromTheStateServesWhatCameWhileQuiesced() throws Exception {
        Guest g = disk();
        g.header(HEADER, T_IN, 0);
        g.request(in(HEADER, 16), out(DATA, 512), out(STATUS, 1));
        DeviceState state = device.quiesce();
        long header2 = heap(0x100);
        long status2 = heap(0x900);
        g.header(header2, T_IN, 7);
        int head = g.add(in(header2, 16), out(DATA + 512, 512), out(status2, 1));
        g.kick(); // the old device is paused: the chain stays on the ring
        device.close();
        context.doorbells.clear();

        device = new VirtioBlkModel().create(context, Map.of("file", file.toString()), Optional.of(state));
        g.registers = device.registers();
        int[] used = g.awaitUsed(1).getFirst();

        assertEquals(head, used[0], "the successor took the chain from where its predecessor stopped");
        assertEquals(2, g.usedIdx());
        assertEquals(S_OK, ram.get(status2, 1)[0]);
        assertArrayEquals(Arrays.copyOfRange(image, 7 * 512, 8 * 512), ram.get(DATA + 512, 512));
    }

    @Test
    void aResumedDeviceServesWhatCameWhileQuiesced() throws Exception {
        Guest g = disk();
        device.quiesce();
        g.header(HEADER, T_IN, 2);
        g.add(in(HEADER, 16), out(DATA, 512), out(STATUS, 1));
        g.kick();

        device.resume();
        g.awaitUsed(1);

        assertEquals(S_OK, status());
        assertArrayEquals(Arrays.copyOfRange(image, 2 * 512, 3 * 512), ram.get(DATA, 512));
    }

    @Test
    void aStateOfAnotherVersionIsRefused() throws Exception {
        disk();
        DeviceState state =
                new DeviceState(VirtioBlkModel.NAME, 99, device.quiesce().data());

        var e = org.junit.jupiter.api.Assertions.assertThrows(
                org.gunyah.vmm.api.GunyahException.class,
                () -> new VirtioBlkModel().create(context, Map.of("file", file.toString()), Optional.of(state)));

        assertEquals(org.gunyah.vmm.api.Errno.EINVAL, e.errno());
        assertFalse(context.doorbells.size() > 1, "the refused device took no doorbell");
    }
}
