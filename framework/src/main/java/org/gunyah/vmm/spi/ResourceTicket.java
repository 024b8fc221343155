package org.gunyah.vmm.spi;

/**
 * {@code struct gh_vm_resource_ticket}: a claim on the hypervisor resource of a type and label.
 * At most one ticket per (type, label) per VM.
 */
public interface ResourceTicket {
    ResourceType resourceType();

    int label();

    /**
     * Offers a matching resource. Return true to take it (it is then the ticket's until
     * {@link #unpopulate}), false to leave it unclaimed. May be called more than once when the
     * hypervisor hands out several resources with one label; take the first only.
     */
    boolean populate(Resource resource);

    /** The resource is taken back; after this returns, do not use it (it fails with ENODEV). */
    void unpopulate(Resource resource);
}
