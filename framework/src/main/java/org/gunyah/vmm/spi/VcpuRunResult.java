package org.gunyah.vmm.spi;

/** The vCPU state a {@code vcpu_run} hypercall reports, with its state data. */
public sealed interface VcpuRunResult {
    /** {@code GH_VCPU_STATE_READY}: preempted or budget spent; run again. */
    record Ready() implements VcpuRunResult {}

    /** {@code EXPECTS_WAKEUP}: the vCPU waits for an interrupt (WFI, HLT). */
    record ExpectsWakeup() implements VcpuRunResult {}

    /** {@code POWERED_OFF}: the vCPU is off, or the whole VM is down. */
    record PoweredOff() implements VcpuRunResult {}

    /** {@code ADDRSPACE_VMMIO_READ}: answer with {@link VcpuResource#resumeMmioRead}. */
    record MmioRead(long address, int length) implements VcpuRunResult {}

    /** {@code ADDRSPACE_VMMIO_WRITE}: already performed from the guest's point of view. */
    record MmioWrite(long address, int length, long value) implements VcpuRunResult {}

    /** An x86 port access (native backends); reads are answered like MMIO reads. */
    record PortIo(int port, int length, boolean isWrite, long value) implements VcpuRunResult {}

    Ready READY = new Ready();
    ExpectsWakeup EXPECTS_WAKEUP = new ExpectsWakeup();
    PoweredOff POWERED_OFF = new PoweredOff();
}
