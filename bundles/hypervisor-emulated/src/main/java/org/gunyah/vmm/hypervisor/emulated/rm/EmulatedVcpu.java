package org.gunyah.vmm.hypervisor.emulated.rm;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.emulated.cpu.A64Cpu;
import org.gunyah.vmm.hypervisor.emulated.cpu.Exit;
import org.gunyah.vmm.hypervisor.emulated.cpu.GuestMemory;
import org.gunyah.vmm.hypervisor.emulated.gic.CpuPort;
import org.gunyah.vmm.hypervisor.emulated.gic.Gicv3;
import org.gunyah.vmm.hypervisor.emulated.platform.InternalMmio;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.hypervisor.HypervisorVcpu;

/**
 * A vCPU of the emulated hypervisor: the {@code vcpu_run} hypercall over the A64 interpreter. It
 * runs in slices so that a kick or a stop is seen within one slice, reports MMIO and WFI as
 * Gunyah does, and handles the guest's hypercalls ({@link GuestCalls}) itself.
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
    private final A64Cpu cpu;
    private final Gicv3 gic;
    /** The hypervisor's own MMIO devices (the GIC): their accesses never leave as exits. */
    private final List<InternalMmio> devices;

    private final AtomicBoolean kicked = new AtomicBoolean();
    private volatile Runnable wakeup;
    private volatile boolean poweredOff;
    private boolean waiting;
    private boolean readPending;

    EmulatedVcpu(
            EmulatedVm vm,
            int index,
            int label,
            long capId,
            GuestMemory memory,
            Gicv3 gic,
            List<InternalMmio> devices,
            long entry,
            long dtbAddress) {
        this.vm = vm;
        this.index = index;
        this.label = label;
        this.capId = capId;
        this.gic = gic;
        this.devices = devices;
        this.cpu = new A64Cpu(index, memory, gic.cpuInterface(index));
        cpu.setPc(entry);
        cpu.setX(0, dtbAddress);
        gic.attach(index, this);
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
        if (poweredOff || !vm.isRunning()) {
            return VcpuRunResult.POWERED_OFF;
        }
        if (readPending) {
            throw GunyahException.of(
                    Errno.EINVAL, "vCPU %d: the MMIO read must be resumed before running again", label);
        }
        if (kicked.getAndSet(false)) {
            return VcpuRunResult.READY;
        }
        if (waiting) {
            if (!gic.hasPending(index)) {
                return VcpuRunResult.EXPECTS_WAKEUP;
            }
            waiting = false;
        }
        for (int slice = 0; slice < SLICES_PER_RUN; slice++) {
            Exit exit = cpu.run(SLICE);
            switch (exit) {
                case Exit.Budget b -> {
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
                    if (!gic.hasPending(index)) {
                        waiting = true;
                        return VcpuRunResult.EXPECTS_WAKEUP;
                    }
                }
                case Exit.Hypercall h -> {
                    if (!hypercall()) {
                        return VcpuRunResult.POWERED_OFF;
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

    /** Handles the guest's {@code hvc}; false when this vCPU no longer runs. */
    private boolean hypercall() {
        long fn = cpu.x(0);
        if (fn == GuestCalls.GUEST_EXIT) {
            vm.guestExited(ExitInfo.withCode(ExitInfo.VM_EXIT, cpu.x(1)));
            return false;
        } else if (fn == GuestCalls.PSCI_SYSTEM_OFF) {
            vm.guestExited(new ExitInfo(ExitInfo.PSCI_POWER_OFF, new byte[0]));
            return false;
        } else if (fn == GuestCalls.PSCI_SYSTEM_RESET) {
            vm.guestExited(new ExitInfo(ExitInfo.PSCI_SYSTEM_RESET, new byte[0]));
            return false;
        } else if (fn == GuestCalls.PSCI_CPU_OFF) {
            powerOff();
            return false;
        } else if (fn == GuestCalls.PSCI_VERSION) {
            cpu.setX(0, 0x10000);
        } else {
            cpu.setX(0, GuestCalls.NOT_SUPPORTED);
        }
        return true;
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

    void powerOff() {
        poweredOff = true;
        wake();
    }

    // CpuPort

    @Override
    public void setInterruptPending(boolean pending) {
        cpu.setInterruptPending(pending);
    }

    @Override
    public void wake() {
        Runnable w = wakeup;
        if (w != null) {
            w.run();
        }
    }
}
