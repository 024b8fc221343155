package org.gunyah.vmm.hypervisor.emulated.cpu;

/**
 * The conformance tests' access to the vCPU state that A64Cpu does not publish (SP, NZCV, FPCR,
 * FPSR): set before a random instruction sequence and compared after it. Lives in the cpu package
 * (a test-only class in another module) so the vCPU needs no setters for it.
 */
public final class CpuState {
    private CpuState() {}

    /** A vCPU with no interrupt controller behind it (its ICC registers are UNDEFINED). */
    public static A64Cpu newCpu(GuestMemory memory) {
        return new A64Cpu(0, memory, InterruptInterface.NONE);
    }

    public static void setSp(A64Cpu cpu, long sp) {
        cpu.setRegSp(31, sp, true);
    }

    public static int nzcv(A64Cpu cpu) {
        return cpu.nzcv();
    }

    public static void setNzcv(A64Cpu cpu, int nzcv) {
        cpu.setNzcv(nzcv);
    }

    public static void setFpcr(A64Cpu cpu, int fpcr) {
        cpu.fpcr = fpcr;
    }

    public static void setFpsr(A64Cpu cpu, int fpsr) {
        cpu.fpsr = fpsr;
    }
}
