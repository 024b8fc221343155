package org.gunyah.vmm.api.admin;

/**
 * The bundle and service that provide (or offered to provide) a function type. {@code state} is
 * the bundle's state when the snapshot was taken (INSTALLED, RESOLVED, STARTING, ACTIVE, STOPPING).
 */
public record ProviderInfo(
        String name, long serviceId, long bundleId, String symbolicName, String version, String state) {

    /** A provider outside any bundle (tests, embedded use). */
    public ProviderInfo(String name, long serviceId, long bundleId, String symbolicName, String version) {
        this(name, serviceId, bundleId, symbolicName, version, "ACTIVE");
    }
}
