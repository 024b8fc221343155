package org.gunyah.vmm.hypervisor.emulated.platform;

import java.util.List;

/**
 * A device the emulated hypervisor itself provides at guest physical addresses (the GIC's
 * distributor and redistributors): the vCPU completes the guest's access to it in place, and the
 * VMM never sees it as an MMIO exit.
 */
public interface InternalMmio {
    /** Whether the access at {@code address} of {@code size} bytes is this device's. */
    boolean claims(long address, int size);

    /** A load by vCPU {@code vcpu} (its index); the value in the low {@code size} bytes. */
    long read(int vcpu, long address, int size);

    /** A store by vCPU {@code vcpu}; the value in the low {@code size} bytes. */
    void write(int vcpu, long address, int size, long value);

    /** The device among {@code devices} that claims the access, or null: it is the VMM's. */
    static InternalMmio find(List<InternalMmio> devices, long address, int size) {
        for (InternalMmio d : devices) {
            if (d.claims(address, size)) {
                return d;
            }
        }
        return null;
    }
}
