package org.gunyah.vmm.function.irqfd;

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
 */
@VmFunctionType(type = FunctionType.IRQFD, name = "irqfd")
@Component(service = VmFunction.class)
public final class IrqfdFunction implements VmFunction {

    @Override
    public Object bind(FunctionInstance instance) throws GunyahException {
        IrqfdArg arg = IrqfdArg.decode(instance.arg());
        if ((arg.flags() & ~IrqfdArg.LEVEL) != 0) {
            throw GunyahException.of(Errno.EINVAL, "irqfd: unknown flags 0x%x", arg.flags() & ~IrqfdArg.LEVEL);
        }
        EventFd eventFd = instance.vm().eventFd(arg.fd());
        Irqfd irqfd = new Irqfd(arg.label(), arg.level(), eventFd);
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
