package org.gunyah.vmm.virtio;

import static org.gunyah.vmm.virtio.DeviceStatus.DEVICE_NEEDS_RESET;
import static org.gunyah.vmm.virtio.DeviceStatus.DRIVER_OK;
import static org.gunyah.vmm.virtio.DeviceStatus.FEATURES_OK;
import static org.gunyah.vmm.virtio.Registers.*;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.GuestRam;
import org.gunyah.vmm.device.InterruptLine;
import org.gunyah.vmm.device.MmioDevice;

/**
 * A {@link VirtioDevice} on the bus as a virtio-mmio version 2 device (virtio 1.2 section 4.2):
 * its register file, the status state machine, feature negotiation (a driver that does not
 * accept VIRTIO_F_VERSION_1 never sees FEATURES_OK), its queues, and its interrupt. Wire it with
 * {@link #interruptLevel} as the level of the {@link InterruptLine} it is given.
 *
 * <p>Concurrency: the registers, the queues' rings and the interrupt status are state this
 * transport guards, nobody waiting on it, so they are under one monitor ({@code lock}), taken by
 * the vCPU threads' accesses, the VMM's notifications and the device's workers (through its
 * {@link Virtqueue}s). The device's lifecycle calls (activate, notify, reset) are made in the
 * driver's order under a second monitor ({@code lifecycle}, always taken before {@code lock} and
 * never by a worker) and never under {@code lock}, so a device may wait in reset for workers that
 * need the queues. The interrupt line is told of a change after {@code lock} is released.
 */
public final class MmioTransport implements MmioDevice {
    public static final int MAGIC = 0x74726976; // "virt"
    public static final int VERSION = 2;
    /** Our vendor ID: "GNYH" in ASCII, high byte first (QEMU's is "QEMU", 0x554D4551). */
    public static final int VENDOR_ID = 0x474E5948;
    /** The bytes of the bus a transport takes: its registers and 256 of configuration space. */
    public static final long WINDOW_SIZE = 0x200;
    /** QueueNotify's offset: where a device puts its queues' doorbells (datamatch = the queue's index). */
    public static final long NOTIFY_OFFSET = Registers.QUEUE_NOTIFY;

    private static final System.Logger LOG = System.getLogger(MmioTransport.class.getName());

    private final VirtioDevice device;
    private final GuestRam ram;
    private final InterruptLine line;
    private final long offered;
    private final Object lock = new Object();
    private final Object lifecycle = new Object();

    private final QueueConfig[] queues;
    private final QueueHandle[] active;
    /** Queues whose breakage was logged since the last reset: one warning each. */
    private final BitSet warned = new BitSet();

    private int status;
    private long driverFeatures;
    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private int queueSel;
    private int interruptStatus;
    private int configGeneration;
    /** A restored transport whose driver was running: {@link #resume} activates the device. */
    private boolean resumePending;

    /** A device the driver has yet to find: status 0, no queue ready. */
    public MmioTransport(VirtioDevice device, GuestRam ram, InterruptLine line) {
        this.device = device;
        this.ram = ram;
        this.line = line;
        this.offered = device.features() & VirtioFeatures.DEVICE_MASK | VirtioFeatures.TRANSPORT;
        int count = device.queueCount();
        this.queues = new QueueConfig[count];
        this.active = new QueueHandle[count];
        for (int i = 0; i < count; i++) {
            queues[i] = new QueueConfig(device.queueMaxSize(i));
        }
    }

    /**
     * A transport continuing from {@code state}, which a predecessor's {@link #snapshot} gave: the
     * guest sees no reset. {@link #resume} then hands the device its queues. EINVAL when the state
     * does not fit the device (another number of queues, a queue larger than its maximum).
     */
    public MmioTransport(VirtioDevice device, GuestRam ram, InterruptLine line, TransportState state)
            throws GunyahException {
        this(device, ram, line);
        if (state.queues().size() != queues.length) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "transport state of %d queues for a device of %d",
                    state.queues().size(),
                    queues.length);
        }
        for (int i = 0; i < queues.length; i++) {
            TransportState.QueueState q = state.queues().get(i);
            if (q.size() < 0 || q.size() > queues[i].maxSize) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "transport state: queue %d of size %d, at most %d",
                        i,
                        q.size(),
                        queues[i].maxSize);
            }
        }
        synchronized (lock) {
            status = state.status() & 0xff;
            driverFeatures = state.driverFeatures();
            deviceFeaturesSel = state.deviceFeaturesSel();
            driverFeaturesSel = state.driverFeaturesSel();
            queueSel = state.queueSel();
            interruptStatus = state.interruptStatus() & (INT_VRING | INT_CONFIG);
            configGeneration = state.configGeneration();
            for (int i = 0; i < queues.length; i++) {
                TransportState.QueueState q = state.queues().get(i);
                QueueConfig c = queues[i];
                c.size = q.size();
                c.ready = q.ready();
                c.descriptors = q.descriptors();
                c.driver = q.driver();
                c.device = q.device();
                c.lastAvail = q.lastAvail();
                c.usedIdx = q.usedIdx();
            }
            resumePending = (status & DRIVER_OK) != 0 && (status & DEVICE_NEEDS_RESET) == 0;
        }
    }

    /**
     * Carries on where the predecessor stopped: a restored transport whose driver was running
     * activates the device with its queues and notifies each (buffers may have come meanwhile), and
     * raises the line if an interrupt was pending. Call it before the VMM routes the guest's
     * accesses here; it activates nothing on a fresh transport, or a second time.
     */
    public void resume() {
        synchronized (lifecycle) {
            Activation activation;
            synchronized (lock) {
                activation = resumePending ? activateLocked() : Activation.NONE;
                resumePending = false;
            }
            startDevice(activation);
            for (Virtqueue q : activation.queues()) {
                device.notify(q.index());
            }
        }
        lineChanged();
    }

    /**
     * The transport's state, for a successor. Take it once the device has quiesced (no worker
     * between {@link Virtqueue#next} and {@link Virtqueue#complete}): chains taken and not completed
     * are lost to the successor, and the guest waits for them forever.
     */
    public TransportState snapshot() {
        synchronized (lock) {
            List<TransportState.QueueState> list = new ArrayList<>(queues.length);
            for (int i = 0; i < queues.length; i++) {
                QueueConfig c = queues[i];
                int lastAvail = c.lastAvail;
                int usedIdx = c.usedIdx;
                if (active[i] != null) {
                    QueueHandle.QueuePositions p = active[i].positionsLocked();
                    lastAvail = p.lastAvail();
                    usedIdx = p.usedIdx();
                }
                list.add(new TransportState.QueueState(
                        c.size, c.ready, c.descriptors, c.driver, c.device, lastAvail, usedIdx));
            }
            return new TransportState(
                    status,
                    driverFeatures,
                    deviceFeaturesSel,
                    driverFeaturesSel,
                    queueSel,
                    interruptStatus,
                    configGeneration,
                    list);
        }
    }

    /** The level of the device's interrupt: up while InterruptStatus is not 0. */
    public boolean interruptLevel() {
        synchronized (lock) {
            return interruptStatus != 0;
        }
    }

    /** The device changed its configuration space: the driver rereads it (ConfigGeneration moves). */
    public void configChanged() {
        synchronized (lock) {
            configGeneration++;
            if ((status & DRIVER_OK) == 0) {
                return;
            }
            raiseLocked(INT_CONFIG);
        }
        lineChanged();
    }

    /**
     * The driver notified queue {@code index} (QueueNotify, or an ioeventfd the VMM routes here):
     * the device hears of it if the queue is live and the device does not need a reset. Any thread.
     */
    public void notify(int index) {
        synchronized (lifecycle) {
            synchronized (lock) {
                if (index < 0
                        || index >= active.length
                        || active[index] == null
                        || (status & DEVICE_NEEDS_RESET) != 0) {
                    return;
                }
            }
            device.notify(index);
        }
    }

    @Override
    public long read(long offset, int size) {
        if (offset >= CONFIG) {
            return readConfig(offset - CONFIG, size);
        }
        if (size != 4 || (offset & 3) != 0) {
            return 0;
        }
        synchronized (lock) {
            return Integer.toUnsignedLong(readRegisterLocked((int) offset));
        }
    }

    private int readRegisterLocked(int offset) {
        QueueConfig q = selected();
        return switch (offset) {
            case MAGIC_VALUE -> MAGIC;
            case Registers.VERSION -> VERSION;
            case DEVICE_ID -> device.deviceId();
            case Registers.VENDOR_ID -> VENDOR_ID;
            case DEVICE_FEATURES -> half(offered, deviceFeaturesSel);
            case QUEUE_NUM_MAX -> q == null ? 0 : q.maxSize;
            case QUEUE_NUM -> q == null ? 0 : q.size;
            case QUEUE_READY -> q != null && q.ready ? 1 : 0;
            case QUEUE_DESC_LOW -> q == null ? 0 : (int) q.descriptors;
            case QUEUE_DESC_HIGH -> q == null ? 0 : (int) (q.descriptors >>> 32);
            case QUEUE_DRIVER_LOW -> q == null ? 0 : (int) q.driver;
            case QUEUE_DRIVER_HIGH -> q == null ? 0 : (int) (q.driver >>> 32);
            case QUEUE_DEVICE_LOW -> q == null ? 0 : (int) q.device;
            case QUEUE_DEVICE_HIGH -> q == null ? 0 : (int) (q.device >>> 32);
            case INTERRUPT_STATUS -> interruptStatus;
            case STATUS -> status;
            // No shared memory region: a length of -1 says so (section 4.2.2).
            case SHM_LEN_LOW, SHM_LEN_HIGH -> -1;
            case CONFIG_GENERATION -> configGeneration;
            default -> 0;
        };
    }

    private static int half(long features, int sel) {
        return switch (sel) {
            case 0 -> (int) features;
            case 1 -> (int) (features >>> 32);
            default -> 0;
        };
    }

    private long readConfig(long offset, int size) {
        if (!configAccess(offset, size)) {
            return 0;
        }
        return device.readConfig((int) offset, size);
    }

    private boolean configAccess(long offset, int size) {
        return (size == 1 || size == 2 || size == 4 || size == 8) && offset + size <= device.configSize();
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset >= CONFIG) {
            if (configAccess(offset - CONFIG, size)) {
                device.writeConfig((int) (offset - CONFIG), size, value);
            }
            return;
        }
        if (size != 4 || (offset & 3) != 0) {
            return;
        }
        int v = (int) value;
        switch ((int) offset) {
            case STATUS -> writeStatus(v);
            case QUEUE_NOTIFY -> notify(v);
            default -> {
                synchronized (lock) {
                    writeRegisterLocked((int) offset, v);
                }
            }
        }
    }

    private void writeRegisterLocked(int offset, int v) {
        switch (offset) {
            case DEVICE_FEATURES_SEL -> deviceFeaturesSel = v;
            case DRIVER_FEATURES -> writeDriverFeaturesLocked(v);
            case DRIVER_FEATURES_SEL -> driverFeaturesSel = v;
            case QUEUE_SEL -> queueSel = v;
            case INTERRUPT_ACK -> interruptStatus &= ~v;
            case QUEUE_READY -> writeQueueReadyLocked(v);
            default -> writeQueueAddressLocked(offset, v);
        }
    }

    /** Features are the driver's to choose until it sets FEATURES_OK (section 3.1.1). */
    private void writeDriverFeaturesLocked(int v) {
        if ((status & FEATURES_OK) != 0) {
            return;
        }
        switch (driverFeaturesSel) {
            case 0 -> driverFeatures = QueueConfig.low(driverFeatures, v);
            case 1 -> driverFeatures = QueueConfig.high(driverFeatures, v);
            default -> {}
        }
    }

    /** A queue's registers are the driver's while the queue is not ready (section 4.2.2.2). */
    private void writeQueueAddressLocked(int offset, int v) {
        QueueConfig q = selected();
        if (q == null || q.ready) {
            return;
        }
        switch (offset) {
            case QUEUE_NUM -> q.size = v;
            case QUEUE_DESC_LOW -> q.descriptors = QueueConfig.low(q.descriptors, v);
            case QUEUE_DESC_HIGH -> q.descriptors = QueueConfig.high(q.descriptors, v);
            case QUEUE_DRIVER_LOW -> q.driver = QueueConfig.low(q.driver, v);
            case QUEUE_DRIVER_HIGH -> q.driver = QueueConfig.high(q.driver, v);
            case QUEUE_DEVICE_LOW -> q.device = QueueConfig.low(q.device, v);
            case QUEUE_DEVICE_HIGH -> q.device = QueueConfig.high(q.device, v);
            default -> {}
        }
    }

    /**
     * Ready 1 takes the queue as configured if it can be a queue (else the device needs a reset);
     * ready 0 before DRIVER_OK takes it back. Without VIRTIO_F_RING_RESET, which we do not offer,
     * a live queue is never stopped alone.
     */
    private void writeQueueReadyLocked(int v) {
        QueueConfig q = selected();
        if (q == null || (status & DRIVER_OK) != 0) {
            return;
        }
        if (v == 0) {
            q.ready = false;
            return;
        }
        if (v != 1 || q.ready) {
            return;
        }
        try {
            if (q.size > q.maxSize) {
                throw VirtqueueException.of(
                        VirtqueueException.Reason.BAD_LAYOUT, "size %d above the maximum %d", q.size, q.maxSize);
            }
            new SplitVirtqueue(ram, q.layout(), driverFeatures);
            q.ready = true;
        } catch (VirtqueueException e) {
            malformedLocked(queueSel, e);
        }
    }

    private QueueConfig selected() {
        return queueSel >= 0 && queueSel < queues.length ? queues[queueSel] : null;
    }

    private void writeStatus(int v) {
        synchronized (lifecycle) {
            if (v == 0) {
                resetRegisters();
                device.reset();
                return;
            }
            Activation activation;
            synchronized (lock) {
                activation = setStatusLocked(v & 0xff);
            }
            startDevice(activation);
        }
        lineChanged();
    }

    private void resetRegisters() {
        synchronized (lock) {
            for (int i = 0; i < active.length; i++) {
                if (active[i] != null) {
                    active[i].retireLocked();
                    active[i] = null;
                }
                queues[i].reset();
            }
            status = 0;
            driverFeatures = 0;
            deviceFeaturesSel = 0;
            driverFeaturesSel = 0;
            queueSel = 0;
            interruptStatus = 0;
            warned.clear();
            resumePending = false;
        }
    }

    /**
     * The driver only adds bits (section 3.1.1); a write that clears one is ignored, as is a
     * DEVICE_NEEDS_RESET it writes (the device's alone). FEATURES_OK stays clear unless the driver
     * accepted VERSION_1 and nothing not offered; DRIVER_OK needs FEATURES_OK.
     */
    private Activation setStatusLocked(int v) {
        int next = v & ~DEVICE_NEEDS_RESET | status & DEVICE_NEEDS_RESET;
        if ((status & ~next) != 0) {
            return Activation.NONE;
        }
        if ((next & FEATURES_OK) != 0 && (status & FEATURES_OK) == 0 && !acceptable(driverFeatures)) {
            next &= ~FEATURES_OK;
        }
        if ((next & DRIVER_OK) != 0 && (next & FEATURES_OK) == 0) {
            next &= ~DRIVER_OK;
        }
        boolean starting = (next & DRIVER_OK) != 0 && (status & DRIVER_OK) == 0;
        status = next;
        return starting && (status & DEVICE_NEEDS_RESET) == 0 ? activateLocked() : Activation.NONE;
    }

    private boolean acceptable(long features) {
        return (features & VirtioFeatures.VERSION_1) != 0 && (features & ~offered) == 0;
    }

    /** The ready queues at their starting positions; NONE if one cannot be (the device then needs a reset). */
    private Activation activateLocked() {
        List<Virtqueue> list = new ArrayList<>();
        for (int i = 0; i < queues.length; i++) {
            QueueConfig q = queues[i];
            if (!q.ready) {
                continue;
            }
            try {
                SplitVirtqueue vq = new SplitVirtqueue(ram, q.layout(), driverFeatures, q.lastAvail, q.usedIdx);
                active[i] = new QueueHandle(this, lock, i, vq);
                list.add(active[i]);
            } catch (VirtqueueException e) {
                malformedLocked(i, e);
                return Activation.NONE;
            }
        }
        return new Activation(true, driverFeatures, List.copyOf(list));
    }

    private void startDevice(Activation activation) {
        if (activation.start()) {
            device.activate(activation.features(), activation.queues());
        }
    }

    /** The device's start, decided under {@code lock} and made after it. */
    private record Activation(boolean start, long features, List<Virtqueue> queues) {
        static final Activation NONE = new Activation(false, 0, List.of());
    }

    /**
     * The guest broke queue {@code index}: DEVICE_NEEDS_RESET and a configuration change
     * interrupt (section 2.1.2), one warning per queue until the driver resets the device.
     */
    void malformedLocked(int index, VirtqueueException e) {
        status |= DEVICE_NEEDS_RESET;
        raiseLocked(INT_CONFIG);
        if (!warned.get(index)) {
            warned.set(index);
            LOG.log(
                    Level.WARNING,
                    "virtio device {0} queue {1} needs a reset: {2}",
                    device.deviceId(),
                    index,
                    e.getMessage());
        }
    }

    void raiseLocked(int bits) {
        interruptStatus |= bits;
    }

    /** Outside {@code lock}: the line may have gone up. */
    void lineChanged() {
        if (interruptLevel()) {
            line.changed();
        }
    }
}
