package org.gunyah.vmm.testkit;

import java.util.Arrays;
import org.gunyah.vmm.spi.FunctionInstance;

/**
 * One function instance on a {@link FakeVmContext}, as the framework hands it to
 * {@link org.gunyah.vmm.spi.VmFunction#bind}: its VM, its type, a copy of its argument bytes and
 * its private data. Thread-safe as the framework's own.
 */
public final class FakeFunctionInstance implements FunctionInstance {
    private final FakeVmContext vm;
    private final int type;
    private final byte[] arg;
    private volatile Object data;

    public FakeFunctionInstance(FakeVmContext vm, int type, byte[] arg) {
        this.vm = vm;
        this.type = type;
        this.arg = arg.clone();
    }

    @Override
    public FakeVmContext vm() {
        return vm;
    }

    @Override
    public int type() {
        return type;
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

    /** The data as {@code type}; ClassCastException when it is something else. */
    @Override
    public <T> T data(Class<T> type) {
        return type.cast(data);
    }

    @Override
    public void setData(Object data) {
        this.data = data;
    }

    @Override
    public String toString() {
        return "instance of type " + Integer.toUnsignedString(type) + " arg " + Arrays.toString(arg);
    }
}
