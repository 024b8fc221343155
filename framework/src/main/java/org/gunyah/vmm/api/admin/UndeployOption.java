package org.gunyah.vmm.api.admin;

/** How {@link FunctionAdmin#undeploy} treats a function type's bundle. */
public enum UndeployOption {
    /** Unbind every instance first (vCPU runners return, handlers and tickets go), then stop. */
    FORCE,
    /** Also uninstall the bundle and delete it from the function repository folder. */
    UNINSTALL
}
