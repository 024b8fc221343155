package org.gunyah.vmm.api;

/** Why {@link Vcpu#run()} returned: the {@code exit_reason} and its union of the run page. */
public sealed interface VcpuExit {

    /**
     * {@code GH_VCPU_EXIT_MMIO}: a guest access no IO handler took. For a read, give the value
     * with {@link Vcpu#setMmioData(long)} before the next run; its first {@code len} bytes are
     * handed to the guest. For a write, {@code data} holds the written value in its low
     * {@code len} bytes.
     */
    record Mmio(long physAddr, int len, boolean isWrite, long data) implements VcpuExit {}

    /**
     * {@code GH_VCPU_EXIT_STATUS}: the VM is no longer running; the vCPU never runs again.
     * {@code exitInfo} is meaningful for {@link VmStatus#EXITED}.
     */
    record Status(VmStatus status, ExitInfo exitInfo) implements VcpuExit {}

    /**
     * An x86 port I/O exit (native backends only; Gunyah has none): as {@link Mmio} on a 16-bit
     * port space.
     */
    record PortIo(int port, int len, boolean isWrite, long data) implements VcpuExit {}
}
