package org.gunyah.vmm.api.admin;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;

/** What consoles show of the function registry and the VMs. */
public interface FunctionAdmin {
    /**
     * Every function type that has a provider, a refused candidate, or an installed bundle declaring
     * it (a type not loaded yet: its provider's {@code serviceId} is -1 and its state the bundle's),
     * ordered by type number.
     */
    List<FunctionTypeInfo> functionTypes();

    Optional<FunctionTypeInfo> functionType(int type);

    List<VmInfo> listVms();

    /**
     * Deploys a function bundle from a file or URL: copies it into the function repository folder
     * (when one is configured), installs and starts it, and reports its type once its
     * {@code VmFunction} is bound. Refused, leaving nothing installed or copied: EINVAL for a bundle
     * that declares no {@code gunyah.function} capability or cannot be read, EEXIST when another
     * installed bundle already declares its type, ENOENT (with the framework's reason) when it does
     * not start or registers no function in time.
     */
    FunctionTypeInfo deploy(URI source) throws GunyahException;

    /**
     * Stops the bundle providing a function type, named by number or by name. EBUSY, naming the
     * VMs and their instance counts, while instances exist, unless {@link UndeployOption#FORCE};
     * ENOENT when no installed bundle provides it.
     */
    void undeploy(String typeOrName, UndeployOption... options) throws GunyahException;
}
