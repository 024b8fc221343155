package org.gunyah.vmm.function.irqfd;

import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.spi.FunctionInstance;
import org.gunyah.vmm.spi.VmFunction;
import org.gunyah.vmm.spi.VmFunctionType;
import org.osgi.service.component.annotations.Component;

/**
 * {@code GH_FN_IRQFD}: every signal of an eventfd rings a doorbell, raising a guest interrupt.
 * A signal that comes before the VM has started is kept and delivered when the doorbell arrives
 * (the kernel drops it). The eventfd is let go before the ticket: Linux v13/v14 removed the
 * eventfd's wait entry only when the ticket was unpopulated, so an irqfd whose VM never started
 * was freed with its entry still queued, and a later signal touched freed memory.
 *
 * <p>{@link IrqfdArg#RESAMPLE} (our extension, as KVM's resamplefd) takes a second eventfd of the
 * VM, signalled after each guest acknowledgement of the level interrupt.
 */
@VmFunctionType(type = FunctionType.IRQFD, name = "irqfd")
@Component(service = VmFunction.class)
public final class IrqfdFunction implements VmFunction {

    @Override
    public Object bind(FunctionInstance instance) throws GunyahException {
        IrqfdArg arg = IrqfdArg.decode(instance.arg());
        int known = IrqfdArg.LEVEL | IrqfdArg.RESAMPLE;
        if ((arg.flags() & ~known) != 0) {
            throw GunyahException.of(Errno.EINVAL, "irqfd: unknown flags 0x%x", arg.flags() & ~known);
        }
        if (arg.resample() && !arg.level()) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "irqfd %d: flag RESAMPLE (0x%x) is valid only with LEVEL (0x%x), flags are 0x%x",
                    arg.label(),
                    IrqfdArg.RESAMPLE,
                    IrqfdArg.LEVEL,
                    arg.flags());
        }
        EventFd eventFd = instance.vm().eventFd(arg.fd());
        // looked up as fd is: a bad number is the same EBADF, naming it
        Optional<EventFd> resample =
                arg.resample() ? Optional.of(instance.vm().eventFd(arg.resampleFd())) : Optional.empty();
        Irqfd irqfd = new Irqfd(arg.label(), arg.level(), eventFd, resample);
        instance.vm().addResourceTicket(irqfd);
        irqfd.listen();
        instance.setData(irqfd);
        return null;
    }

    @Override
    public void unbind(FunctionInstance instance) {
        Irqfd irqfd = instance.data(Irqfd.class);
        irqfd.stopListening();
        instance.vm().removeResourceTicket(irqfd);
        instance.setData(null);
    }

    @Override
    public boolean compare(FunctionInstance instance, byte[] arg) {
        if (arg.length != IrqfdArg.SIZE) {
            return false;
        }
        try {
            return IrqfdArg.decode(arg).label() == instance.data(Irqfd.class).label();
        } catch (GunyahException e) {
            return false;
        }
    }
}
