package org.gunyah.vmm.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.internal.eventfd.FdTable;
import org.gunyah.vmm.internal.io.IoHandlerTable;
import org.gunyah.vmm.spi.IoHandler;
import org.gunyah.vmm.spi.ResourceTicket;
import org.gunyah.vmm.spi.VmContext;

/**
 * A VM as a function instance sees it ({@link VmContext}), without a VM: what a function adds is
 * kept here for the test to look at, and the test plays the guest and the VM's life.
 *
 * <ul>
 *   <li>IO handlers go into the framework's own table: {@link #addIoHandler} refuses exactly what
 *       the framework refuses (EINVAL for a datamatch length outside 1..8 or a value that does not
 *       fit it, EEXIST for a collision), and {@link #mmioWrite} picks the handler a guest write of
 *       that address, length and value reaches, as a vCPU would.
 *   <li>Eventfds: {@link #createEventFd} makes one (the framework's Java eventfd, eventfd(2)
 *       semantics) with a number, which {@link #eventFd} looks up (EBADF for an unknown or closed
 *       number), the way an irqfd or ioeventfd argument names its eventfd.
 *   <li>Resource tickets are recorded ({@link #tickets}); EEXIST for a second ticket of the same
 *       type and label. Nothing populates them: call {@code ticket.populate(resource)} yourself.
 *   <li>The state starts CREATED; {@link #setState} changes it and calls the
 *       {@link #onStateChange} listeners, as a start, exit or crash does.
 * </ul>
 *
 * Thread-safe: a test may write from several threads as vCPUs would.
 */
public final class FakeVmContext implements VmContext {
    private final int vmId;
    private final IoHandlerTable ioHandlers = new IoHandlerTable();
    private final FdTable fds = new FdTable();
    private final List<ResourceTicket> tickets = new CopyOnWriteArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile VmState state = VmState.CREATED;
    private volatile ExitInfo exitInfo;

    /** A VM with id 1. */
    public FakeVmContext() {
        this(1);
    }

    public FakeVmContext(int vmId) {
        this.vmId = vmId;
    }

    @Override
    public int vmId() {
        return vmId;
    }

    @Override
    public VmState state() {
        return state;
    }

    /** Moves the VM to {@code state} and calls every state listener, after the state is visible. */
    public void setState(VmState state) {
        this.state = state;
        listeners.forEach(Runnable::run);
    }

    /** Ends the guest with an exit ({@link VmState#EXITED}) that {@link #exitInfo} reports. */
    public void exit(ExitInfo info) {
        this.exitInfo = info;
        setState(VmState.EXITED);
    }

    @Override
    public Optional<ExitInfo> exitInfo() {
        return Optional.ofNullable(exitInfo);
    }

    @Override
    public void addResourceTicket(ResourceTicket ticket) throws GunyahException {
        synchronized (tickets) {
            for (ResourceTicket t : tickets) {
                if (t.resourceType() == ticket.resourceType() && t.label() == ticket.label()) {
                    throw GunyahException.of(
                            Errno.EEXIST, "a %s ticket with label %d exists", ticket.resourceType(), ticket.label());
                }
            }
            tickets.add(ticket);
        }
    }

    @Override
    public void removeResourceTicket(ResourceTicket ticket) {
        tickets.remove(ticket);
    }

    /** The tickets added and not removed, in the order they came. */
    public List<ResourceTicket> tickets() {
        return List.copyOf(tickets);
    }

    @Override
    public void addIoHandler(IoHandler handler) throws GunyahException {
        ioHandlers.add(handler);
    }

    @Override
    public void removeIoHandler(IoHandler handler) {
        ioHandlers.remove(handler);
    }

    /** The IO handlers added and not removed. */
    public List<IoHandler> ioHandlers() {
        return ioHandlers.all();
    }

    /**
     * A guest write of {@code length} bytes (1, 2, 4 or 8) of {@code value} at {@code address}:
     * true when an IO handler took it, false when the vCPU would have exited to the VMM.
     */
    @Override
    public boolean mmioWrite(long address, int length, long value) {
        return ioHandlers.write(address, length, value);
    }

    /** A new non-blocking eventfd with counter 0; its {@link EventFd#fd()} names it in an argument. */
    public EventFd createEventFd() {
        try {
            return createEventFd(0, EventFd.NONBLOCK);
        } catch (GunyahException e) {
            throw new IllegalStateException(e);
        }
    }

    /** eventfd(2): EINVAL for unknown flags or an initial value above 0xffffffff. */
    public EventFd createEventFd(long initval, int flags) throws GunyahException {
        return fds.create(initval, flags);
    }

    @Override
    public EventFd eventFd(int fd) throws GunyahException {
        return fds.lookup(fd);
    }

    @Override
    public Registration onStateChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The state listeners registered and not withdrawn. */
    public int stateListeners() {
        return listeners.size();
    }

    /**
     * What a function still holds here (IO handlers, tickets, state listeners), one line each;
     * empty when an unbind, or a failed bind, left nothing behind.
     */
    public List<String> leftovers() {
        List<String> out = new ArrayList<>();
        ioHandlers.all().forEach(h -> out.add("IO handler at 0x" + Long.toHexString(h.address()) + ": " + h));
        tickets.forEach(t -> out.add(t.resourceType() + " ticket label " + t.label() + ": " + t));
        if (!listeners.isEmpty()) {
            out.add(listeners.size() + " state listener(s)");
        }
        return out;
    }
}
