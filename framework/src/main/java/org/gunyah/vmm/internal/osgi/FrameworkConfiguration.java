package org.gunyah.vmm.internal.osgi;

import org.gunyah.vmm.internal.manager.FrameworkSettings;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The framework's configuration, PID {@value VmManagerComponent#PID}: every folder and timeout of
 * the VM manager. Each key is also read as a framework property of the same name (the runtime's
 * {@code conf/config.properties} sets the folder ones there) when Configuration Admin does not set
 * it; the defaults are {@link FrameworkSettings#DEFAULTS}. Keys are the method names with
 * {@value #PREFIX_} before them and dots for underscores.
 */
@ObjectClassDefinition(
        name = "Gunyah VM manager",
        description = "The function folder and the timeouts of the VM manager.")
public @interface FrameworkConfiguration {
    String PREFIX_ = "gunyah.";

    @AttributeDefinition(
            name = "Function folder",
            required = false,
            description = "Folder of function bundles, installed unstarted and started on the first use of their type; "
                    + "gunyah:deploy copies new ones into it. Empty: none.")
    String functions_dir() default "";

    @AttributeDefinition(
            name = "Function folder watched",
            description =
                    "True when a folder watcher (FileInstall) installs the folder's jars: the framework installs none "
                            + "itself and a deploy waits for the watcher.")
    boolean functions_watched() default false;

    @AttributeDefinition(
            name = "Load timeout (ms)",
            min = "0",
            description =
                    "How long a first use or a deploy waits for a function bundle's service (and for the watcher).")
    long functions_load_timeout() default FrameworkSettings.DEFAULT_LOAD_TIMEOUT_MS;

    @AttributeDefinition(
            name = "Resource manager timeout (ms)",
            min = "0",
            description = "How long a VM's teardown waits for each of the hypervisor's stop and reset notifications.")
    long rm_timeout() default FrameworkSettings.DEFAULT_RM_TIMEOUT_MS;

    @AttributeDefinition(
            name = "Call timeout (ms)",
            min = "0",
            description = "How long adding or removing a function waits for another call on the same VM before EBUSY.")
    long call_timeout() default FrameworkSettings.DEFAULT_CALL_TIMEOUT_MS;
}
