package org.gunyah.vmm.spi.hypervisor;

import org.gunyah.vmm.spi.ResourceType;

/** One entry of {@code VM_GET_HYP_RESOURCES}: a capability the VM was given. */
public sealed interface HypervisorResource permits HypervisorVcpu, HypervisorDoorbell {
    ResourceType type();

    /** The label the VM's devicetree gave the resource. */
    int label();

    long capId();

    /** The guest interrupt (GIC INTID, or the platform's equivalent) wired to it, or -1. */
    int virq();
}
