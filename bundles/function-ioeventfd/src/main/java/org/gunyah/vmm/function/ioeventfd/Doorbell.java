package org.gunyah.vmm.function.ioeventfd;

import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.spi.IoHandler;

/** The IO handler of one ioeventfd: a matching guest write signals the eventfd. */
record Doorbell(IoeventfdArg arg, EventFd target) implements IoHandler {

    @Override
    public long address() {
        return arg.addr();
    }

    @Override
    public int length() {
        return arg.len();
    }

    @Override
    public boolean datamatch() {
        return arg.hasDatamatch();
    }

    @Override
    public long data() {
        return arg.datamatch();
    }

    @Override
    public boolean write(long address, int length, long value) {
        target.signal(1);
        return true;
    }

    /** All this handler does is signal: the hypervisor may match its writes itself. */
    @Override
    public Optional<EventFd> eventFd() {
        return Optional.of(target);
    }
}
