package org.gunyah.vmm.function.ioeventfd;

import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.spi.IoHandler;

/** The IO handler of one ioeventfd: a matching guest write signals the eventfd. */
record Doorbell(IoeventfdArg arg, EventFd eventFd) implements IoHandler {

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
        eventFd.signal(1);
        return true;
    }
}
