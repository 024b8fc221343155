package org.gunyah.vmm.virtio;

import static org.gunyah.vmm.virtio.DriverRing.INDIRECT;
import static org.gunyah.vmm.virtio.DriverRing.NEXT;
import static org.gunyah.vmm.virtio.DriverRing.WRITE;
import static org.gunyah.vmm.virtio.VirtqueueException.Reason.*;

import java.util.function.Consumer;
import org.gunyah.vmm.virtio.DriverRing.Buf;
import org.gunyah.vmm.virtio.VirtqueueException.Reason;
import org.gunyah.vmm.virtio.testing.FakeRam;

/**
 * Each way a driver can break a split virtqueue's rules, as what it writes in a ring of
 * {@link #QUEUE_SIZE} at {@link #RING} in RAM of {@link #RAM_SIZE} at {@link FakeRam#BASE}.
 */
enum MalformedChain {
    LOOP_IN_THE_QUEUE(LOOP, r -> {
        r.writeDesc(0, MalformedChain.DATA, 16, NEXT, 1);
        r.writeDesc(1, MalformedChain.DATA, 16, NEXT, 0);
        r.publish(0);
    }),
    BUFFER_PAST_THE_END_OF_RAM(OUTSIDE_RAM, r -> r.add(Buf.in(FakeRam.BASE + MalformedChain.RAM_SIZE - 8, 16))),
    BUFFER_BELOW_RAM(OUTSIDE_RAM, r -> r.add(Buf.in(FakeRam.BASE - 16, 16))),
    BUFFER_WRAPPING_THE_ADDRESS_SPACE(OUTSIDE_RAM, r -> r.add(Buf.in(-8L, 16))),
    EMPTY(EMPTY_CHAIN, r -> r.add(Buf.in(MalformedChain.DATA, 0), Buf.out(MalformedChain.DATA, 0))),
    LONGER_THAN_THE_QUEUE(CHAIN_TOO_LONG, r -> {
        Buf[] bufs = new Buf[MalformedChain.QUEUE_SIZE + 1];
        java.util.Arrays.fill(bufs, Buf.in(MalformedChain.DATA, 16));
        r.addIndirect(MalformedChain.TABLE, bufs);
    }),
    FOUR_GIB_OR_MORE(CHAIN_TOO_LARGE, r -> {
        Buf[] bufs = new Buf[MalformedChain.QUEUE_SIZE];
        java.util.Arrays.fill(bufs, Buf.in(FakeRam.BASE, (int) (MalformedChain.RAM_SIZE)));
        r.add(bufs);
    }),
    READABLE_AFTER_WRITABLE_BUFFER(
            READABLE_AFTER_WRITABLE, r -> r.add(Buf.out(MalformedChain.DATA, 16), Buf.in(MalformedChain.DATA, 16))),
    AVAIL_IDX_TOO_FAR_AHEAD(AVAIL_INDEX_AHEAD, r -> r.setAvailIdx(MalformedChain.QUEUE_SIZE + 1)),
    HEAD_OUTSIDE_THE_TABLE(INDEX_OUT_OF_RANGE, r -> r.publish(MalformedChain.QUEUE_SIZE)),
    NEXT_OUTSIDE_THE_TABLE(INDEX_OUT_OF_RANGE, r -> {
        r.writeDesc(0, MalformedChain.DATA, 16, NEXT, MalformedChain.QUEUE_SIZE);
        r.publish(0);
    }),
    INDIRECT_NOT_NEGOTIATED(
            BAD_INDIRECT,
            VirtioFeatures.VERSION_1 | VirtioFeatures.EVENT_IDX,
            r -> r.addIndirect(MalformedChain.TABLE, Buf.in(MalformedChain.DATA, 16))),
    INDIRECT_WITH_NEXT(BAD_INDIRECT, r -> {
        DriverRing.writeDescAt(r.ram, MalformedChain.TABLE, MalformedChain.DATA, 16, 0, 0);
        r.writeDesc(0, MalformedChain.TABLE, 16, INDIRECT | NEXT, 1);
        r.writeDesc(1, MalformedChain.DATA, 16, 0, 0);
        r.publish(0);
    }),
    INDIRECT_IN_AN_INDIRECT_TABLE(BAD_INDIRECT, r -> {
        DriverRing.writeDescAt(r.ram, MalformedChain.TABLE, MalformedChain.TABLE + 0x100, 16, INDIRECT, 0);
        DriverRing.writeDescAt(r.ram, MalformedChain.TABLE + 0x100, MalformedChain.DATA, 16, 0, 0);
        r.writeDesc(0, MalformedChain.TABLE, 16, INDIRECT, 0);
        r.publish(0);
    }),
    INDIRECT_AFTER_A_BUFFER(BAD_INDIRECT, r -> {
        DriverRing.writeDescAt(r.ram, MalformedChain.TABLE, MalformedChain.DATA, 16, 0, 0);
        r.writeDesc(0, MalformedChain.DATA, 16, NEXT, 1);
        r.writeDesc(1, MalformedChain.TABLE, 16, INDIRECT, 0);
        r.publish(0);
    }),
    INDIRECT_TABLE_OF_A_PART_OF_A_DESCRIPTOR(BAD_INDIRECT, r -> {
        r.writeDesc(0, MalformedChain.TABLE, 24, INDIRECT, 0);
        r.publish(0);
    }),
    EMPTY_INDIRECT_TABLE(BAD_INDIRECT, r -> {
        r.writeDesc(0, MalformedChain.TABLE, 0, INDIRECT, 0);
        r.publish(0);
    }),
    INDIRECT_TABLE_PAST_THE_END_OF_RAM(OUTSIDE_RAM, r -> {
        r.writeDesc(0, FakeRam.BASE + MalformedChain.RAM_SIZE - 16, 32, INDIRECT, 0);
        r.publish(0);
    }),
    LOOP_IN_AN_INDIRECT_TABLE(LOOP, r -> {
        DriverRing.writeDescAt(r.ram, MalformedChain.TABLE, MalformedChain.DATA, 16, NEXT | WRITE, 1);
        DriverRing.writeDescAt(r.ram, MalformedChain.TABLE + 16, MalformedChain.DATA, 16, NEXT | WRITE, 0);
        r.writeDesc(0, MalformedChain.TABLE, 32, INDIRECT, 0);
        r.publish(0);
    }),
    NEXT_OUTSIDE_THE_INDIRECT_TABLE(INDEX_OUT_OF_RANGE, r -> {
        DriverRing.writeDescAt(r.ram, MalformedChain.TABLE, MalformedChain.DATA, 16, NEXT, 2);
        DriverRing.writeDescAt(r.ram, MalformedChain.TABLE + 16, MalformedChain.DATA, 16, 0, 0);
        r.writeDesc(0, MalformedChain.TABLE, 32, INDIRECT, 0);
        r.publish(0);
    });

    static final long RAM_SIZE = 16 << 20;
    static final int QUEUE_SIZE = 256;
    static final long RING = FakeRam.BASE + 0x1000;
    static final long TABLE = FakeRam.BASE + 0x8_0000;
    static final long DATA = FakeRam.BASE + 0x10_0000;
    static final long FEATURES = VirtioFeatures.VERSION_1 | VirtioFeatures.INDIRECT_DESC | VirtioFeatures.EVENT_IDX;

    final Reason reason;
    final long features;
    private final Consumer<DriverRing> write;

    MalformedChain(Reason reason, Consumer<DriverRing> write) {
        this(reason, FEATURES, write);
    }

    MalformedChain(Reason reason, long features, Consumer<DriverRing> write) {
        this.reason = reason;
        this.features = features;
        this.write = write;
    }

    /** Writes this case into {@code ring}. */
    void writeInto(DriverRing ring) {
        write.accept(ring);
    }
}
