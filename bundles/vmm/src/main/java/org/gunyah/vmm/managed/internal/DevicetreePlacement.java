package org.gunyah.vmm.managed.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.managed.VmSpec;

/**
 * Where the devicetree goes at start: written by the VM's {@link BootPlan} from its functions and
 * devices ({@link DevicetreeSources}) into the last page(s) of RAM, above what the boot protocol
 * loaded, and told to the VM. It is at most 2 MiB, page-aligned, and never crosses a 2 MiB boundary
 * (booting.rst: the kernel maps it with blocks of up to 2 MiB). Guarded by its VM's lock.
 */
final class DevicetreePlacement {
    static final long MAX_SIZE = 2L << 20;

    private final VmSpec spec;
    private final BootPlan boot;
    /** irqfd label to the vCPU its interrupt is aimed at. */
    private final Map<Integer, Integer> interruptTargets = new HashMap<>();

    DevicetreePlacement(VmSpec spec, BootPlan boot) {
        this.spec = spec;
        this.boot = boot;
    }

    /** Aims irqfd {@code label}'s interrupt at vCPU {@code cpu}. */
    void aim(int label, int cpu) {
        interruptTargets.put(label, cpu);
    }

    /** Writes the devicetree of {@code functions} at the end of RAM; EINVAL when it is too big or would overlap what was loaded. */
    void place(List<FunctionDesc> functions, List<DevicetreeSources.DeviceNode> devices, GuestMemory memory, Vm vm)
            throws GunyahException {
        byte[] dtb = Fdt.encode(boot.devicetree(new DevicetreeSources(spec, functions, interruptTargets, devices)));
        long offset = offset(spec.ramBase(), spec.memorySize(), dtb.length);
        if (dtb.length > MAX_SIZE || offset < boot.reserved()) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "devicetree of %d bytes does not fit in RAM after the %d bytes the guest takes (at most %d)",
                    dtb.length,
                    boot.reserved(),
                    MAX_SIZE);
        }
        memory.write(spec.ramBase() + offset, dtb);
        vm.setDtbConfig(spec.ramBase() + offset, dtb.length);
    }

    /**
     * The offset in RAM of a {@code length}-byte devicetree: the last page-aligned place, moved
     * down to just below a 2 MiB boundary it would cross (8-byte aligned there); negative when RAM is too small.
     */
    static long offset(long ramBase, long ramSize, long length) {
        long offset = (ramSize - length) & -MemoryRegion.PAGE_SIZE;
        long start = ramBase + offset;
        long boundary = (start + length - 1) & -MAX_SIZE;
        if (length > 0 && boundary > start) {
            offset = ((boundary - length) & -8L) - ramBase;
        }
        return offset;
    }
}
