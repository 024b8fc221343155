package org.gunyah.vmm.spi;

/** {@code struct gh_vm_function_instance}: one bound function on one VM. */
public interface FunctionInstance {
    /** The VM, as this instance may use it. */
    VmContext vm();

    int type();

    /** A copy of the argument bytes, exactly as the caller gave them. */
    byte[] arg();

    int argSize();

    /** The function's private data, or null. */
    Object data();

    <T> T data(Class<T> type);

    void setData(Object data);
}
