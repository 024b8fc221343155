package org.gunyah.vmm.function.ioeventfd;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.spi.FunctionInstance;
import org.gunyah.vmm.spi.VmFunction;
import org.gunyah.vmm.spi.VmFunctionType;
import org.osgi.service.component.annotations.Component;

/**
 * {@code GH_FN_IOEVENTFD}: a guest write to an address (optionally of one value) adds 1 to an
 * eventfd without an exit to the VMM. Two departures from the kernel, both toward KVM's rules: the
 * length is honoured without DATAMATCH too (the kernel checks it, then matches any length), and
 * removal names the whole key (v17), not just the address.
 */
@VmFunctionType(type = FunctionType.IOEVENTFD, name = "ioeventfd")
@Component(service = VmFunction.class)
public final class IoeventfdFunction implements VmFunction {

    @Override
    public Object bind(FunctionInstance instance) throws GunyahException {
        IoeventfdArg arg = checked(IoeventfdArg.decode(instance.arg()));
        if (arg.fd() < 0) {
            throw GunyahException.of(Errno.EBADF, "ioeventfd: fd %d is not a file descriptor", arg.fd());
        }
        EventFd eventFd = instance.vm().eventFd(arg.fd());
        Doorbell doorbell = new Doorbell(arg, eventFd);
        instance.vm().addIoHandler(doorbell);
        instance.setData(doorbell);
        return null;
    }

    /** The field rules, in the kernel's order. */
    static IoeventfdArg checked(IoeventfdArg arg) throws GunyahException {
        if ((arg.flags() & ~IoeventfdArg.DATAMATCH) != 0) {
            throw GunyahException.of(
                    Errno.EINVAL, "ioeventfd: unknown flags 0x%x", arg.flags() & ~IoeventfdArg.DATAMATCH);
        }
        int len = arg.len();
        if (len != 0 && len != 1 && len != 2 && len != 4 && len != 8) {
            throw GunyahException.of(
                    Errno.EINVAL, "ioeventfd: len %s is not 0, 1, 2, 4 or 8", Integer.toUnsignedString(len));
        }
        if (Long.compareUnsigned(arg.addr() + len, arg.addr()) < 0) {
            throw GunyahException.of(Errno.EINVAL, "ioeventfd: addr 0x%x + len %d overflows", arg.addr(), len);
        }
        if (len == 0 && arg.hasDatamatch()) {
            throw GunyahException.of(Errno.EINVAL, "ioeventfd: DATAMATCH needs a len of 1, 2, 4 or 8");
        }
        return arg;
    }

    @Override
    public void unbind(FunctionInstance instance) {
        // The handler goes first, so no guest write can reach the eventfd once we let go of it
        // (Linux v13 released the eventfd first, and a concurrent MMIO write could use it freed).
        instance.vm().removeIoHandler(instance.data(Doorbell.class));
        instance.setData(null);
    }

    @Override
    public boolean compare(FunctionInstance instance, byte[] arg) {
        if (arg.length != IoeventfdArg.SIZE) {
            return false;
        }
        try {
            IoeventfdArg mine = instance.data(Doorbell.class).arg();
            IoeventfdArg other = IoeventfdArg.decode(arg);
            return mine.addr() == other.addr()
                    && mine.len() == other.len()
                    && mine.flags() == other.flags()
                    && (!mine.hasDatamatch() || mine.datamatch() == other.datamatch());
        } catch (GunyahException e) {
            return false;
        }
    }
}
