package org.gunyah.vmm.internal.vm;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.internal.registry.FunctionProvider;
import org.gunyah.vmm.spi.FunctionInstance;
import org.gunyah.vmm.spi.IoHandler;
import org.gunyah.vmm.spi.ResourceTicket;
import org.gunyah.vmm.spi.VmContext;
import org.gunyah.vmm.spi.VmFunction;

/**
 * One bound function. Its {@link VmContext} records the tickets and IO handlers the instance adds
 * so that {@link #releaseLeftovers()} can return whatever its unbind (or a failed bind) forgot.
 */
final class FunctionInstanceImpl implements FunctionInstance, VmContext {
    private static final Logger LOG = System.getLogger(FunctionInstanceImpl.class.getName());

    private final VmImpl vm;
    private final FunctionProvider provider;
    private final VmFunction function;
    private final FunctionDesc desc;
    private final byte[] arg;
    private final List<IoHandler> handlers = new ArrayList<>();
    private volatile Object data;

    FunctionInstanceImpl(VmImpl vm, FunctionProvider provider, VmFunction function, FunctionDesc desc) {
        this.vm = vm;
        this.provider = provider;
        this.function = function;
        this.desc = desc;
        this.arg = desc.arg();
    }

    FunctionProvider provider() {
        return provider;
    }

    VmFunction function() {
        return function;
    }

    FunctionDesc desc() {
        return desc;
    }

    @Override
    public VmContext vm() {
        return this;
    }

    @Override
    public int type() {
        return desc.type();
    }

    @Override
    public byte[] arg() {
        return arg.clone();
    }

    @Override
    public int argSize() {
        return arg.length;
    }

    @Override
    public Object data() {
        return data;
    }

    @Override
    public <T> T data(Class<T> type) {
        return type.cast(data);
    }

    @Override
    public void setData(Object data) {
        this.data = data;
    }

    /** Removes the tickets and IO handlers the instance still holds, saying so: a function bug. */
    void releaseLeftovers() {
        for (ResourceTicket t : vm.tickets().ticketsOf(this)) {
            LOG.log(Level.WARNING, "{0} left ticket {1}/{2} behind; removing it", desc, t.resourceType(), t.label());
            vm.tickets().remove(t);
        }
        List<IoHandler> left;
        synchronized (handlers) {
            left = List.copyOf(handlers);
            handlers.clear();
        }
        for (IoHandler h : left) {
            LOG.log(
                    Level.WARNING,
                    "{0} left IO handler at 0x{1} behind; removing it",
                    desc,
                    Long.toHexString(h.address()));
            vm.removeIoHandler(h);
        }
    }

    // VmContext, as this instance sees the VM

    @Override
    public int vmId() {
        return vm.id();
    }

    @Override
    public VmState state() {
        return vm.state();
    }

    @Override
    public Optional<ExitInfo> exitInfo() {
        return vm.exitInfo();
    }

    @Override
    public void addResourceTicket(ResourceTicket ticket) throws GunyahException {
        vm.tickets().add(ticket, this);
    }

    @Override
    public void removeResourceTicket(ResourceTicket ticket) {
        vm.tickets().remove(ticket);
    }

    @Override
    public void addIoHandler(IoHandler handler) throws GunyahException {
        synchronized (handlers) {
            vm.addIoHandler(handler);
            handlers.add(handler);
        }
    }

    @Override
    public void removeIoHandler(IoHandler handler) {
        synchronized (handlers) {
            vm.removeIoHandler(handler);
            handlers.removeIf(h -> h == handler);
        }
    }

    @Override
    public boolean mmioWrite(long address, int length, long value) {
        return vm.ioHandlers().write(address, length, value);
    }

    @Override
    public EventFd eventFd(int fd) throws GunyahException {
        return vm.eventFd(fd);
    }

    @Override
    public Registration onStateChange(Runnable listener) {
        return vm.onStateChange(listener);
    }

    @Override
    public String toString() {
        return desc + " on VM " + vm.id();
    }
}
