package org.gunyah.vmm.spi;

/**
 * A hypervisor resource the VM was given at start ({@code struct gh_resource}), as a ticket sees
 * it. Once taken back from its ticket every operation on it fails with ENODEV, so a function that
 * kept a reference by mistake cannot reach a resource that belongs to someone else.
 */
public sealed interface Resource permits VcpuResource, DoorbellResource {
    ResourceType type();

    int label();

    /** The hypervisor capability id. */
    long capId();
}
