package org.gunyah.vmm.hypervisor.emulated.cpu;

/** The vCPU's GIC CPU interface, as the platform provides it. */
public interface InterruptInterface {
    /** A read of ICC_IAR1_EL1: the INTID now active, or 1023 when none is pending. */
    long acknowledge();

    /** A write of ICC_EOIR1_EL1. */
    void endOfInterrupt(long intid);
}
