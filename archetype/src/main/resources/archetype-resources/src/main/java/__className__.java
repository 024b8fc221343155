package ${package};

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.FunctionInstance;
import org.gunyah.vmm.spi.IoHandler;
import org.gunyah.vmm.spi.VmFunction;
import org.gunyah.vmm.spi.VmFunctionType;
import org.osgi.service.component.annotations.Component;

/**
 * VM function type ${functionType}, "${functionName}": counts the guest's writes to one MMIO
 * address, without an exit to the VMM.
 *
 * <p>Its argument is {@value ARG_SIZE} bytes, little-endian: the guest physical address. bind
 * hands the caller the counter (an {@link AtomicLong}); two instances on one address are EEXIST
 * (the IO handler collides); removal names the instance by its address.
 *
 * <p>{@link VmFunctionType} is the one declaration of the type: it gives this component its
 * service properties and the bundle its {@code gunyah.function} capability, by which the runtime
 * loads the bundle on the type's first use.
 */
@VmFunctionType(type = ${functionType}L, name = "${functionName}")
@Component(service = VmFunction.class)
public final class ${className} implements VmFunction {
    /** The argument's size in bytes. */
    public static final int ARG_SIZE = 8;

    /** The argument naming {@code address}. */
    public static byte[] arg(long address) {
        return ByteBuffer.allocate(ARG_SIZE).order(ByteOrder.LITTLE_ENDIAN).putLong(address).array();
    }

    @Override
    public Object bind(FunctionInstance instance) throws GunyahException {
        if (instance.argSize() != ARG_SIZE) {
            throw GunyahException.of(
                    Errno.EINVAL, "${functionName}: the argument is %d bytes, not %d", instance.argSize(), ARG_SIZE);
        }
        Counter counter = new Counter(address(instance.arg()), new AtomicLong());
        instance.vm().addIoHandler(counter); // EEXIST when another handler has the address
        instance.setData(counter);
        return counter.count();
    }

    @Override
    public void unbind(FunctionInstance instance) {
        instance.vm().removeIoHandler(instance.data(Counter.class));
        instance.setData(null);
    }

    @Override
    public boolean compare(FunctionInstance instance, byte[] arg) {
        return Arrays.equals(instance.arg(), arg);
    }

    private static long address(byte[] arg) {
        return ByteBuffer.wrap(arg).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The IO handler: any write at the address, of any length, adds one. Runs on a vCPU thread: never blocks. */
    record Counter(long address, AtomicLong count) implements IoHandler {
        @Override
        public int length() {
            return 0; // any length
        }

        @Override
        public boolean datamatch() {
            return false;
        }

        @Override
        public long data() {
            return 0;
        }

        @Override
        public boolean write(long address, int length, long value) {
            count.incrementAndGet();
            return true;
        }
    }
}
