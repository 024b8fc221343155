package org.gunyah.vmm.managed;

import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;

/** The VMM's named VMs. Deactivating the service closes every VM it made. */
public interface ManagedVms {
    /**
     * Creates a VM with its RAM and guest in place ({@link VmSpec#boot}: a raw image, or a Linux
     * kernel and initrd), not started; the devicetree is written at start. EINVAL for a bad spec,
     * an image that does not fit in RAM before the devicetree's page, a kernel that is not an arm64
     * Image this VMM boots (naming the file and what is wrong) or that does not fit with its
     * initrd; EEXIST for a name in use; ENODEV when the backend is missing; ENOENT when a file
     * cannot be read. The files are checked before anything is made: nothing is left on failure.
     */
    ManagedVm create(VmSpec spec) throws GunyahException;

    /** As {@link #create(VmSpec)}, with each complete console line also given to {@code console}. */
    ManagedVm create(VmSpec spec, java.util.function.Consumer<String> console) throws GunyahException;

    /**
     * Creates, equips and starts a declared VM: its vcpus, irqfds and ioeventfds (loading their
     * bundles on demand, each with an eventfd of its own), the doorbell responders, then start.
     * Errnos as {@link #create} and {@link ManagedVm#addFunction}; on failure nothing is left.
     */
    ManagedVm launch(VmDeclaration declaration) throws GunyahException;

    /** As {@link #launch(VmDeclaration)}, with each complete console line also given to {@code console}. */
    ManagedVm launch(VmDeclaration declaration, java.util.function.Consumer<String> console) throws GunyahException;

    /** A VM by name, or by its VM id written in decimal. */
    Optional<ManagedVm> find(String nameOrId);

    /**
     * Waits, bounded, until a VM of that name has been started (a declared VM is launched on a
     * thread of its own, after its configuration arrives: then its functions are bound and its
     * vCPUs run); empty when none was started in time.
     */
    Optional<ManagedVm> await(String name, java.time.Duration timeout) throws InterruptedException;

    /** The names of the device models the device bundles provide now, sorted. */
    default java.util.Set<String> deviceModels() {
        return java.util.Set.of();
    }

    /** Every managed VM that is not closed, oldest first. */
    List<ManagedVm> list();
}
