package org.gunyah.vmm.hypervisor.emulated.rm;

import static org.gunyah.vmm.hypervisor.emulated.rm.GuestCalls.*;

import java.util.List;
import java.util.Set;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.hypervisor.emulated.cpu.A64Cpu;
import org.gunyah.vmm.hypervisor.emulated.cpu.GuestMemory;

/**
 * PSCI 1.1 over HVC for one VM, as the hypervisor implements it for its guests (see {@link
 * GuestCalls} for the ids). A vCPU's MPIDR is its index in Aff0, the other affinity levels zero,
 * so a target names vCPU {@code Aff0}. SMC32 forms take their arguments from the W registers.
 */
final class Psci {
    /** What the calling vCPU does after the call. */
    enum Outcome {
        /** Goes on with the result in x0. */
        RESUME,
        /** Waits as for WFI (CPU_SUSPEND), SUCCESS already in x0. */
        SUSPEND,
        /** Is powered off (CPU_OFF) until another vCPU's CPU_ON. */
        CPU_OFF,
        /** Stops: the VM went down (SYSTEM_OFF, SYSTEM_RESET). */
        VM_DOWN
    }

    /** What PSCI_FEATURES answers SUCCESS for (CPU_SUSPEND's flags 0: the original power_state format). */
    private static final Set<Long> IMPLEMENTED = Set.of(
            PSCI_VERSION,
            PSCI_CPU_SUSPEND,
            PSCI_CPU_SUSPEND64,
            PSCI_CPU_OFF,
            PSCI_CPU_ON,
            PSCI_CPU_ON64,
            PSCI_AFFINITY_INFO,
            PSCI_AFFINITY_INFO64,
            PSCI_MIGRATE_INFO_TYPE,
            PSCI_SYSTEM_OFF,
            PSCI_SYSTEM_RESET,
            PSCI_FEATURES);

    /** Bits of a target MPIDR other than Aff0 (Aff1-3 and the must-be-zero bits): none are valid here. */
    private static final long NOT_AFF0 = ~0xffL;

    private final EmulatedVm vm;
    private final GuestMemory memory;
    private volatile List<EmulatedVcpu> vcpus = List.of();

    Psci(EmulatedVm vm, GuestMemory memory) {
        this.vm = vm;
        this.memory = memory;
    }

    /** The VM's vCPUs, by index; set once they are all made, before the VM runs. */
    void attach(List<EmulatedVcpu> all) {
        vcpus = List.copyOf(all);
    }

    /** The call in x0 made by {@code caller} running {@code cpu}; its result goes to x0. */
    Outcome call(EmulatedVcpu caller, A64Cpu cpu) {
        long fn = cpu.x(0) & 0xffff_ffffL; // SMCCC: the function id is W0
        boolean smc64 = (fn & 0x4000_0000L) != 0;
        long a1 = arg(cpu, 1, smc64);
        long a2 = arg(cpu, 2, smc64);
        long a3 = arg(cpu, 3, smc64);
        long result;
        if (fn == PSCI_VERSION) {
            result = PSCI_1_1;
        } else if (fn == PSCI_FEATURES) {
            result = IMPLEMENTED.contains(a1) ? SUCCESS : NOT_SUPPORTED;
        } else if (fn == PSCI_CPU_ON || fn == PSCI_CPU_ON64) {
            result = cpuOn(a1, a2, a3);
        } else if (fn == PSCI_AFFINITY_INFO || fn == PSCI_AFFINITY_INFO64) {
            EmulatedVcpu target = target(a1);
            result = target == null || a2 != 0 ? INVALID_PARAMETERS : target.affinityInfo();
        } else if (fn == PSCI_CPU_SUSPEND || fn == PSCI_CPU_SUSPEND64) {
            // Every power state is entered as standby, which PSCI allows for any state (a shallower
            // one than asked): the vCPU waits for a wakeup as WFI does and the call returns SUCCESS.
            cpu.setX(0, SUCCESS);
            return Outcome.SUSPEND;
        } else if (fn == PSCI_CPU_OFF) {
            return Outcome.CPU_OFF;
        } else if (fn == PSCI_MIGRATE_INFO_TYPE) {
            result = MIGRATE_NOT_NEEDED;
        } else if (fn == PSCI_SYSTEM_OFF) {
            vm.guestExited(new ExitInfo(ExitInfo.PSCI_POWER_OFF, new byte[0]));
            return Outcome.VM_DOWN;
        } else if (fn == PSCI_SYSTEM_RESET) {
            vm.guestExited(new ExitInfo(ExitInfo.PSCI_SYSTEM_RESET, new byte[0]));
            return Outcome.VM_DOWN;
        } else {
            result = NOT_SUPPORTED;
        }
        cpu.setX(0, result);
        return Outcome.RESUME;
    }

    private long cpuOn(long mpidr, long entry, long contextId) {
        EmulatedVcpu target = target(mpidr);
        if (target == null) {
            return INVALID_PARAMETERS;
        }
        if ((entry & 3) != 0 || memory.find(entry, 4) == null) {
            return INVALID_ADDRESS;
        }
        return target.powerOn(entry, contextId);
    }

    /** The vCPU an MPIDR names, or null. */
    private EmulatedVcpu target(long mpidr) {
        List<EmulatedVcpu> all = vcpus;
        if ((mpidr & NOT_AFF0) != 0 || mpidr >= all.size()) {
            return null;
        }
        return all.get((int) mpidr);
    }

    private static long arg(A64Cpu cpu, int reg, boolean smc64) {
        return smc64 ? cpu.x(reg) : cpu.x(reg) & 0xffff_ffffL;
    }
}
