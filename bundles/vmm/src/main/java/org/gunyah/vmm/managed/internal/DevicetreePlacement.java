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
 * Where the devicetree goes at start: written from the VM's functions (see {@link GuestDevicetree})
 * into the last pages of RAM, after the image, and told to the VM. Guarded by its VM's lock.
 */
final class DevicetreePlacement {
    private final VmSpec spec;
    /** irqfd label to the vCPU its interrupt is aimed at. */
    private final Map<Integer, Integer> interruptTargets = new HashMap<>();

    DevicetreePlacement(VmSpec spec) {
        this.spec = spec;
    }

    /** Aims irqfd {@code label}'s interrupt at vCPU {@code cpu}. */
    void aim(int label, int cpu) {
        interruptTargets.put(label, cpu);
    }

    /** Writes the devicetree of {@code functions} page-aligned at the end of RAM; EINVAL when it would overlap the image. */
    void place(List<FunctionDesc> functions, GuestMemory memory, Vm vm) throws GunyahException {
        byte[] dtb = Fdt.encode(GuestDevicetree.of(functions, interruptTargets, spec.ramBase(), spec.memorySize()));
        long offset = (spec.memorySize() - dtb.length) & -MemoryRegion.PAGE_SIZE;
        if (offset < memory.imageSize()) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "devicetree of %d bytes does not fit after the %d-byte image",
                    dtb.length,
                    memory.imageSize());
        }
        memory.write(spec.ramBase() + offset, dtb);
        vm.setDtbConfig(spec.ramBase() + offset, dtb.length);
    }
}
