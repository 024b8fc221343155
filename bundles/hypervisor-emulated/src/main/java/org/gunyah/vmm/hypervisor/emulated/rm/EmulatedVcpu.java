package org.gunyah.vmm.hypervisor.emulated.rm;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VcpuPosition;
import org.gunyah.vmm.hypervisor.emulated.cpu.A64Cpu;
import org.gunyah.vmm.hypervisor.emulated.cpu.Exit;
import org.gunyah.vmm.hypervisor.emulated.cpu.GuestMemory;
import org.gunyah.vmm.hypervisor.emulated.gic.CpuPort;
import org.gunyah.vmm.hypervisor.emulated.gic.Gicv3;
import org.gunyah.vmm.hypervisor.emulated.platform.InternalMmio;
import org.gunyah.vmm.hypervisor.emulated.timer.GenericTimer;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.hypervisor.HypervisorVcpu;

/**
 * A vCPU of the emulated hypervisor: the {@code vcpu_run} hypercall over the A64 interpreter. It
 * runs in slices so that a kick or a stop is seen within one slice, reports MMIO and WFI as
 * Gunyah does, and handles the guest's hypercalls ({@link GuestCalls}, PSCI in {@link Psci}) itself.
 * A vCPU powered off by PSCI (from the start, or by CPU_OFF) waits for a wakeup until another's
 * CPU_ON; it then starts afresh, every register at its reset value.
 */
final class EmulatedVcpu implements HypervisorVcpu, CpuPort {
    /** Instructions per slice: small enough that a kick is seen in well under a millisecond. */
    static final long SLICE = 20_000;
    /** Slices per run call before it reports READY anyway. */
    static final int SLICES_PER_RUN = 50;

    private final EmulatedVm vm;
    private final int index;
    private final int label;
    private final long capId;
    private final GuestMemory memory;
    private final Gicv3 gic;
    /** The hypervisor's own MMIO devices (the GIC): their accesses never leave as exits. */
    private final List<InternalMmio> devices;

    private final GenericTimer timer;
    private final Psci psci;
    private final AtomicBoolean kicked = new AtomicBoolean();
    /** PSCI's state of this vCPU; CPU_ON comes from other vCPUs' threads, hence a CAS. */
    private final AtomicReference<Power> power;
    /** Replaced at each PSCI power-on (a fresh core); volatile for the GIC's pending updates. */
    private volatile A64Cpu cpu;
    /** The GIC's last word on a pending interrupt, for the core a power-on makes. */
    private volatile boolean irqPending;

    private volatile Runnable wakeup;
    private volatile boolean stopped;
    private boolean waiting;
    private boolean readPending;

    /** PSCI's view of a vCPU: on, off, or on pending (a CPU_ON made, the vCPU not started yet). */
    private sealed interface Power {
        record On() implements Power {}

        record Off() implements Power {}

        record Starting(long entry, long contextId) implements Power {}
    }

    private static final Power ON = new Power.On();
    private static final Power OFF = new Power.Off();

    /**
     * vCPU {@code index}, at {@code entry} with x0 = {@code dtbAddress}, or powered off until a
     * PSCI CPU_ON when {@code startsOff}.
     */
    EmulatedVcpu(
            EmulatedVm vm,
            int index,
            int label,
            long capId,
            GuestMemory memory,
            Gicv3 gic,
            List<InternalMmio> devices,
            GenericTimer timer,
            Psci psci,
            boolean startsOff,
            long entry,
            long dtbAddress) {
        this.vm = vm;
        this.index = index;
        this.label = label;
        this.capId = capId;
        this.memory = memory;
        this.gic = gic;
        this.devices = devices;
        this.timer = timer;
        this.psci = psci;
        this.power = new AtomicReference<>(startsOff ? OFF : ON);
        this.cpu = newCore(entry, dtbAddress);
        gic.attach(index, this);
    }

    /** A core out of reset (EL1, MMU off, interrupts masked) at {@code entry} with x0 = {@code x0}. */
    private A64Cpu newCore(long entry, long x0) {
        A64Cpu core = new A64Cpu(index, memory, gic.cpuInterface(index), timer);
        core.setEventBroadcast(vm::sendEvent);
        core.setPc(entry);
        core.setX(0, x0);
        core.setInterruptPending(irqPending);
        return core;
    }

    @Override
    public ResourceType type() {
        return ResourceType.VCPU;
    }

    @Override
    public int label() {
        return label;
    }

    @Override
    public long capId() {
        return capId;
    }

    @Override
    public int virq() {
        return -1;
    }

    A64Cpu cpu() {
        return cpu;
    }

    @Override
    public VcpuRunResult run() throws GunyahException {
        if (stopped || !vm.isRunning()) {
            return VcpuRunResult.POWERED_OFF;
        }
        if (readPending) {
            throw GunyahException.of(
                    Errno.EINVAL, "vCPU %d: the MMIO read must be resumed before running again", label);
        }
        if (kicked.getAndSet(false)) {
            return VcpuRunResult.READY;
        }
        Power p = power.get();
        if (p == OFF) {
            return VcpuRunResult.EXPECTS_WAKEUP;
        } else if (p instanceof Power.Starting s) {
            start(s);
        }
        A64Cpu cpu = this.cpu;
        if (waiting) {
            timer.poll();
            if (!gic.hasPending(index)) {
                return VcpuRunResult.EXPECTS_WAKEUP;
            }
            waiting = false;
        }
        for (int slice = 0; slice < SLICES_PER_RUN; slice++) {
            Exit exit = cpu.run(SLICE);
            switch (exit) {
                case Exit.Budget b -> {
                    timer.poll(); // the deadline thread raises due lines too; this only saves it a wakeup
                    if (kicked.getAndSet(false) || !vm.isRunning()) {
                        return vm.isRunning() ? VcpuRunResult.READY : VcpuRunResult.POWERED_OFF;
                    }
                }
                case Exit.MmioRead r
                when InternalMmio.find(devices, r.address(), r.size()) instanceof InternalMmio d ->
                    cpu.completeMmioRead(d.read(index, r.address(), r.size()));
                case Exit.MmioWrite w
                when InternalMmio.find(devices, w.address(), w.size()) instanceof InternalMmio d ->
                    d.write(index, w.address(), w.size(), w.value());
                case Exit.MmioRead r -> {
                    readPending = true;
                    return new VcpuRunResult.MmioRead(r.address(), r.size());
                }
                case Exit.MmioWrite w -> {
                    return new VcpuRunResult.MmioWrite(w.address(), w.size(), w.value());
                }
                case Exit.WaitForInterrupt w -> {
                    timer.poll();
                    if (!gic.hasPending(index)) {
                        waiting = true;
                        return VcpuRunResult.EXPECTS_WAKEUP;
                    }
                }
                case Exit.Hypercall h -> {
                    VcpuRunResult stop = hypercall(cpu);
                    if (stop != null) {
                        return stop;
                    }
                }
                case Exit.Crash c -> {
                    vm.guestCrashed(String.format(
                            "vCPU %d: %s at pc 0x%x (instruction 0x%08x)", label, c.reason(), c.pc(), c.instruction()));
                    return VcpuRunResult.POWERED_OFF;
                }
            }
        }
        return VcpuRunResult.READY;
    }

    /** Handles the guest's {@code hvc}; what run reports when this vCPU does not go on, else null. */
    private VcpuRunResult hypercall(A64Cpu cpu) {
        if (cpu.x(0) == GuestCalls.GUEST_EXIT) {
            vm.guestExited(ExitInfo.withCode(ExitInfo.VM_EXIT, cpu.x(1)));
            return VcpuRunResult.POWERED_OFF;
        }
        return switch (psci.call(this, cpu)) {
            case RESUME -> null;
            case SUSPEND -> {
                timer.poll();
                if (gic.hasPending(index)) {
                    yield null;
                }
                waiting = true;
                yield VcpuRunResult.EXPECTS_WAKEUP;
            }
            case CPU_OFF -> {
                timer.reset(); // a core that is off asserts nothing
                waiting = false;
                power.set(OFF);
                yield VcpuRunResult.EXPECTS_WAKEUP;
            }
            case VM_DOWN -> VcpuRunResult.POWERED_OFF;
        };
    }

    /** PSCI CPU_ON on this vCPU, from any vCPU's thread: SUCCESS, ALREADY_ON or ON_PENDING. */
    long powerOn(long entry, long contextId) {
        Power p = power.get();
        if (p == OFF && power.compareAndSet(OFF, new Power.Starting(entry, contextId))) {
            wake();
            return GuestCalls.SUCCESS;
        }
        return power.get() == ON ? GuestCalls.ALREADY_ON : GuestCalls.ON_PENDING;
    }

    /** PSCI AFFINITY_INFO at level 0: ON, OFF or ON_PENDING. */
    long affinityInfo() {
        Power p = power.get();
        return p == ON ? GuestCalls.AFFINITY_ON : p == OFF ? GuestCalls.AFFINITY_OFF : GuestCalls.AFFINITY_ON_PENDING;
    }

    /** On this vCPU's thread: the core CPU_ON asked for, from reset, with the context id in x0. */
    private void start(Power.Starting s) {
        timer.reset();
        waiting = false;
        A64Cpu former = cpu;
        cpu = newCore(s.entry(), s.contextId());
        former.retire();
        power.set(ON);
    }

    @Override
    public void resumeMmioRead(long value) throws GunyahException {
        if (!readPending) {
            throw GunyahException.of(Errno.EINVAL, "vCPU %d has no MMIO read to resume", label);
        }
        readPending = false;
        cpu.completeMmioRead(value);
    }

    @Override
    public void setWakeupListener(Runnable listener) {
        this.wakeup = listener;
    }

    @Override
    public void kick() {
        kicked.set(true);
    }

    /** Where the guest is on this vCPU (see {@link A64Cpu#position}); empty while PSCI has it off. */
    @Override
    public Optional<VcpuPosition> position() {
        return power.get() instanceof Power.On ? Optional.of(cpu.position()) : Optional.empty();
    }

    /** The VM is going down: this vCPU stops for good, its runner is woken to see it. */
    void powerOff() {
        stopped = true;
        wake();
    }

    // CpuPort

    @Override
    public void setInterruptPending(boolean pending) {
        irqPending = pending;
        cpu.setInterruptPending(pending);
    }

    /** SEV from another vCPU: this one's event register, and a wakeup should it wait. */
    void sendEvent() {
        cpu.sendEvent();
        wake();
    }

    @Override
    public void wake() {
        Runnable w = wakeup;
        if (w != null) {
            w.run();
        }
    }
}
