package org.gunyah.vmm.api.admin;

/** The bundle and service that provide (or offered to provide) a function type. */
public record ProviderInfo(String name, long serviceId, long bundleId, String symbolicName, String version) {
}
