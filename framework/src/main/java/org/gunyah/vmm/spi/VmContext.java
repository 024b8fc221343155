package org.gunyah.vmm.spi;

import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VmState;

/**
 * A VM as one function instance sees it. What the instance adds through it is recorded against
 * the instance, so the framework can release whatever an unbind forgot.
 */
public interface VmContext {
    int vmId();

    VmState state();

    Optional<ExitInfo> exitInfo();

    /**
     * {@code gh_vm_add_resource_ticket}: EEXIST when a ticket of that type and label exists on
     * this VM. If the VM is running, matching resources are offered to it at once.
     */
    void addResourceTicket(ResourceTicket ticket) throws GunyahException;

    /** Unpopulates every resource the ticket holds and returns them to the VM. */
    void removeResourceTicket(ResourceTicket ticket);

    /**
     * {@code gh_vm_add_io_handler}: EINVAL for a datamatch handler whose length is not 1..8;
     * EEXIST when it collides with a handler at the same address.
     */
    void addIoHandler(IoHandler handler) throws GunyahException;

    void removeIoHandler(IoHandler handler);

    /**
     * Offers a guest MMIO write to the IO handlers: true when one took it (the vCPU resumes
     * without an exit), false when the caller must see an MMIO exit.
     */
    boolean mmioWrite(long address, int length, long value);

    /** The eventfd with that number: EBADF when there is none or it is closed. */
    EventFd eventFd(int fd) throws GunyahException;

    /**
     * Calls {@code listener} when the VM's state changes (start, exit, crash, close), after the
     * new state is visible. The vcpu function wakes its sleeping runner with it.
     */
    Registration onStateChange(Runnable listener);

    /** A registration that can be withdrawn; closing twice is harmless. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
