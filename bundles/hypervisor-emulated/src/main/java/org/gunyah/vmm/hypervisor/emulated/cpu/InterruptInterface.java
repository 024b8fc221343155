package org.gunyah.vmm.hypervisor.emulated.cpu;

/**
 * The vCPU's GIC CPU interface, as the platform provides it: the ICC_* system registers, read and
 * written by their {@link #key} (op0:op1:CRn:CRm:op2 as {@code SystemRegisters} numbers them).
 * Every key {@link #isIcc} accepts goes here; one the interface does not implement, or an access
 * in a direction the register does not have, is "no such register" and UNDEFINED for the guest.
 */
public interface InterruptInterface {
    /** No interrupt controller: every ICC register is UNDEFINED. */
    InterruptInterface NONE = new InterruptInterface() {
        @Override
        public Long read(int key) {
            return null;
        }

        @Override
        public boolean write(int key, long value) {
            return false;
        }
    };

    /** The value of an MRS, or null when there is no such register to read. */
    Long read(int key);

    /** An MSR; false when there is no such register to write. */
    boolean write(int key, long value);

    static int key(int op0, int op1, int crn, int crm, int op2) {
        return SystemRegisters.key(op0, op1, crn, crm, op2);
    }

    /** The GIC CPU interface's encodings: op0 3, op1 0, CRn 12 with CRm 8..12, and ICC_PMR_EL1. */
    static boolean isIcc(int op0, int op1, int crn, int crm, int op2) {
        return op0 == 3 && op1 == 0 && ((crn == 12 && crm >= 8 && crm <= 12) || (crn == 4 && crm == 6 && op2 == 0));
    }
}
