package org.gunyah.vmm.managed.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.device.Device;
import org.gunyah.vmm.device.DeviceContext;
import org.gunyah.vmm.device.DeviceModel;
import org.gunyah.vmm.device.DeviceState;
import org.gunyah.vmm.device.GuestRam;
import org.gunyah.vmm.device.InterruptLine;
import org.gunyah.vmm.managed.DeviceInfo;
import org.gunyah.vmm.managed.DeviceSpec;

/**
 * One device of a device bundle in one VM: its slot on the bus (window {@link #base}, SPI
 * {@link #spi}, irqfd label = base), its interrupt (a resampled level irqfd, as the PL011's), the
 * doorbells (ioeventfds) it asks for, and the device itself behind {@link HeldRegisters}, so that
 * a new version of its model can take over under the running guest: when the model leaves, the
 * window is held, the device hands its state over and closes; when the model is back, the new
 * device is made from that state and the window released.
 */
final class PluggedDevice implements DeviceContext, DeviceModels.Listener, AutoCloseable {
    private static final Logger LOG = System.getLogger(PluggedDevice.class.getName());

    /** Where the windows of plugged devices begin: slot n is at FIRST_BASE + n * SLOT_SIZE. */
    static final long FIRST_BASE = 0x0b00_0000L;

    static final long SLOT_SIZE = 0x1000;
    /** Slot n's SPI is FIRST_SPI + n, as QEMU's virt board numbers its virtio-mmio transports. */
    static final int FIRST_SPI = 16;

    static final int MAX_SLOTS = 64;

    /** What the VM does for its plugged devices. */
    interface Host {
        EventFd newEventFd() throws GunyahException;

        void addFunction(FunctionDesc desc) throws GunyahException;

        void removeFunction(FunctionDesc desc) throws GunyahException;
    }

    private final String vmName;
    private final DeviceSpec spec;
    private final long base;
    private final long size;
    private final int spi;
    private final String compatible;
    private final GuestRam ram;
    private final Host host;
    private final DeviceModels models;
    private final EventFd irq;
    private final EventFd resample;
    private final LevelInterrupt interrupt;
    private final HeldRegisters registers = new HeldRegisters();
    private volatile BooleanSupplier line = () -> false;

    // Guarded by this.
    private Device device;
    private final List<Doorbell> doorbells = new ArrayList<>();
    private Optional<DeviceState> carried = Optional.empty();
    private boolean closed;
    // When the window was last held for a replacement (System.nanoTime), or -1 when it is not.
    private long heldSince = -1;
    private DeviceInfo.Replacements replacements = DeviceInfo.Replacements.NONE;

    private record Doorbell(FunctionDesc desc, EventFd eventFd, EventFd.Subscription subscription) {}

    private PluggedDevice(
            String vmName,
            DeviceSpec spec,
            int slot,
            DeviceModel model,
            DeviceModels models,
            GuestRam ram,
            Host host,
            EventFd irq,
            EventFd resample) {
        this.vmName = vmName;
        this.spec = spec;
        this.base = FIRST_BASE + slot * SLOT_SIZE;
        this.size = model.windowSize();
        this.spi = FIRST_SPI + slot;
        this.compatible = model.compatible();
        this.ram = ram;
        this.host = host;
        this.models = models;
        this.irq = irq;
        this.resample = resample;
        this.interrupt = new LevelInterrupt(() -> line.getAsBoolean(), () -> irq.signal(1), resample);
    }

    /**
     * Makes the device of {@code spec} in bus slot {@code slot}: ENOENT when no bundle provides its
     * model (naming those that do), EINVAL for a window larger than a slot, the model's errno for
     * its options; nothing is left on failure.
     */
    static PluggedDevice plug(String vmName, DeviceSpec spec, int slot, DeviceModels models, GuestRam ram, Host host)
            throws GunyahException {
        if (slot >= MAX_SLOTS) {
            throw GunyahException.of(Errno.EINVAL, "a VM takes at most %d devices of device bundles", MAX_SLOTS);
        }
        DeviceModel model = models.find(spec.model())
                .orElseThrow(() -> GunyahException.of(
                        Errno.ENOENT,
                        "no device model '%s' (provided now: %s)",
                        spec.model(),
                        models.names().isEmpty() ? "none" : String.join(", ", models.names())));
        if (model.windowSize() <= 0 || model.windowSize() > SLOT_SIZE) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "device model %s wants a window of %d bytes (at most %d)",
                    spec.model(),
                    model.windowSize(),
                    SLOT_SIZE);
        }
        EventFd irq = host.newEventFd();
        EventFd resample = null;
        PluggedDevice plugged = null;
        try {
            resample = host.newEventFd();
            plugged = new PluggedDevice(vmName, spec, slot, model, models, ram, host, irq, resample);
            synchronized (plugged) {
                plugged.device = model.create(plugged, spec.options(), Optional.empty());
            }
            plugged.registers.release(plugged.device.registers());
            models.listen(plugged);
            return plugged;
        } catch (GunyahException | RuntimeException e) {
            if (plugged != null) {
                plugged.close();
            }
            irq.close();
            if (resample != null) {
                resample.close();
            }
            throw e;
        }
    }

    long base() {
        return base;
    }

    long size() {
        return size;
    }

    int spi() {
        return spi;
    }

    /** Its irqfd's label: the window's base, which no other label of the VMM's takes. */
    int label() {
        return (int) base;
    }

    String compatible() {
        return compatible;
    }

    DeviceSpec spec() {
        return spec;
    }

    HeldRegisters registers() {
        return registers;
    }

    /** As consoles show it. */
    synchronized DeviceInfo info() {
        return new DeviceInfo(spec, base, size, spi, device != null, replacements);
    }

    /** The irqfd the VM adds at start: level, resampled at the guest's EOI. */
    FunctionDesc interruptFunction() {
        return new IrqfdArg(irq.fd(), label(), IrqfdArg.LEVEL | IrqfdArg.RESAMPLE, resample.fd()).desc();
    }

    // DeviceContext

    @Override
    public String vmName() {
        return vmName;
    }

    @Override
    public GuestRam ram() {
        return ram;
    }

    @Override
    public InterruptLine interrupt(BooleanSupplier line) {
        this.line = line;
        return interrupt::changed;
    }

    @Override
    public Registration doorbell(long offset, int size, OptionalLong datamatch, Runnable ring) throws GunyahException {
        if (offset < 0 || size <= 0 || offset + size > this.size) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "a doorbell at +0x%x of %d bytes is outside the device's 0x%x bytes",
                    offset,
                    size,
                    this.size);
        }
        EventFd eventFd = host.newEventFd();
        IoeventfdArg arg = datamatch.isPresent()
                ? IoeventfdArg.matching(base + offset, size, datamatch.getAsLong(), eventFd.fd())
                : IoeventfdArg.of(base + offset, size, eventFd.fd());
        try {
            host.addFunction(arg.desc());
        } catch (GunyahException | RuntimeException e) {
            eventFd.close();
            throw e;
        }
        EventFd.Subscription s = eventFd.subscribe(() -> {
            try {
                if (eventFd.read(Duration.ZERO).orElse(0) > 0) {
                    ring.run();
                }
            } catch (GunyahException e) {
                // closed under us: the doorbell is going
            }
        });
        Doorbell d = new Doorbell(arg.desc(), eventFd, s);
        synchronized (this) {
            doorbells.add(d);
        }
        return () -> remove(d);
    }

    private void remove(Doorbell d) {
        synchronized (this) {
            if (!doorbells.remove(d)) {
                return;
            }
        }
        d.subscription().close();
        try {
            host.removeFunction(d.desc());
        } catch (GunyahException e) {
            LOG.log(Level.DEBUG, "VM {0}: doorbell of {1} already gone: {2}", vmName, spec.model(), e.getMessage());
        }
        d.eventFd().close();
    }

    // DeviceModels.Listener: the replacement of the model's bundle

    @Override
    public void leaving(DeviceModel model) {
        if (!model.name().equals(spec.model())) {
            return;
        }
        long since = System.nanoTime();
        registers.hold();
        synchronized (this) {
            if (device == null || closed) {
                return;
            }
            heldSince = since;
            try {
                carried = Optional.of(device.quiesce());
            } catch (RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "VM {0}: {1} could not hand its state over ({2}); its successor starts afresh",
                        vmName,
                        spec.model(),
                        e.toString());
                carried = Optional.empty();
            }
            closeDevice();
        }
        LOG.log(Level.INFO, "VM {0}: device {1} is held until its model is back", vmName, spec.model());
    }

    @Override
    public void arrived(DeviceModel model) {
        if (!model.name().equals(spec.model())) {
            return;
        }
        Device made;
        synchronized (this) {
            if (device != null || closed) {
                return;
            }
            try {
                made = model.create(this, spec.options(), carried);
            } catch (GunyahException | RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "VM {0}: the new {1} refused its predecessor''s state ({2}); it starts afresh",
                        vmName,
                        spec.model(),
                        e.getMessage());
                try {
                    made = model.create(this, spec.options(), Optional.empty());
                } catch (GunyahException | RuntimeException again) {
                    LOG.log(
                            Level.ERROR,
                            "VM {0}: the new {1} cannot be made: {2}",
                            vmName,
                            spec.model(),
                            again.getMessage());
                    return;
                }
            }
            device = made;
            carried = Optional.empty();
        }
        registers.release(made.registers());
        Duration pause = Duration.ZERO;
        synchronized (this) {
            if (heldSince >= 0) {
                pause = Duration.ofNanos(System.nanoTime() - heldSince);
                replacements = replacements.plus(pause);
                heldSince = -1;
            }
        }
        LOG.log(
                Level.INFO,
                "VM {0}: device {1} continues on its new model after a pause of {2} ms",
                vmName,
                spec.model(),
                String.format("%.1f", pause.toNanos() / 1e6));
    }

    /** Closes the device and whatever doorbells it left. Caller holds this. */
    private void closeDevice() {
        Device d = device;
        device = null;
        if (d != null) {
            try {
                d.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "VM {0}: closing {1} failed: {2}", vmName, spec.model(), e.toString());
            }
        }
        for (Doorbell left : List.copyOf(doorbells)) {
            doorbells.remove(left);
            left.subscription().close();
            try {
                host.removeFunction(left.desc());
            } catch (GunyahException e) {
                // the VM is going: its functions go with it
            }
            left.eventFd().close();
        }
    }

    /** Unplugs: the device, its doorbells, its interrupt. The VM closes the irqfd's function itself. */
    @Override
    public void close() {
        models.ignore(this);
        registers.close();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closeDevice();
        }
        interrupt.close();
    }

    /** The irqfd's eventfds: closed after the VM, which unbinds the irqfd using them. */
    List<EventFd> eventFds() {
        return List.of(irq, resample);
    }
}
