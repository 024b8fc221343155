package org.gunyah.vmm.hypervisor.emulated.rm;

/**
 * The hypercalls an emulated guest may make with {@code hvc #0}, function id in x0 (SMCCC style),
 * arguments in x1..x3, result in x0. Unknown ids return -1 (SMCCC NOT_SUPPORTED) in x0 and the
 * guest goes on. PSCI 1.1 ({@link Psci}), in its SMC32 (0x84..) and, where PSCI defines one, its
 * SMC64 (0xc4..) form:
 *
 * <table>
 * <tr><th>x0</th><th>name</th><th>effect</th></tr>
 * <tr><td>0x84000000</td><td>PSCI_VERSION</td><td>x0 = 0x10001 (PSCI 1.1)</td></tr>
 * <tr><td>0x84000001, 0xc4000001</td><td>CPU_SUSPEND</td><td>waits as WFI does, then SUCCESS</td></tr>
 * <tr><td>0x84000002</td><td>CPU_OFF</td><td>this vCPU powers off until a CPU_ON; the VM goes on</td></tr>
 * <tr><td>0x84000003, 0xc4000003</td><td>CPU_ON</td><td>x1 = target MPIDR, x2 = entry, x3 = context id</td></tr>
 * <tr><td>0x84000004, 0xc4000004</td><td>AFFINITY_INFO</td><td>x1 = MPIDR, x2 = level 0: 0 on, 1 off, 2 on pending</td></tr>
 * <tr><td>0x84000006</td><td>MIGRATE_INFO_TYPE</td><td>2: no migration needed (no Trusted OS)</td></tr>
 * <tr><td>0x84000008</td><td>SYSTEM_OFF</td><td>the VM exits, exit type PSCI_POWER_OFF (status 0)</td></tr>
 * <tr><td>0x84000009</td><td>SYSTEM_RESET</td><td>the VM exits, exit type PSCI_SYSTEM_RESET</td></tr>
 * <tr><td>0x8400000a</td><td>PSCI_FEATURES</td><td>x1 = function id: SUCCESS if implemented, else NOT_SUPPORTED</td></tr>
 * <tr><td>0xc6000001</td><td>GUEST_EXIT</td><td>the VM exits, exit type VM_EXIT, reason = x1 (8 bytes LE)</td></tr>
 * </table>
 */
public final class GuestCalls {
    public static final long PSCI_VERSION = 0x8400_0000L;
    public static final long PSCI_CPU_SUSPEND = 0x8400_0001L;
    public static final long PSCI_CPU_SUSPEND64 = 0xc400_0001L;
    public static final long PSCI_CPU_OFF = 0x8400_0002L;
    public static final long PSCI_CPU_ON = 0x8400_0003L;
    public static final long PSCI_CPU_ON64 = 0xc400_0003L;
    public static final long PSCI_AFFINITY_INFO = 0x8400_0004L;
    public static final long PSCI_AFFINITY_INFO64 = 0xc400_0004L;
    public static final long PSCI_MIGRATE_INFO_TYPE = 0x8400_0006L;
    public static final long PSCI_SYSTEM_OFF = 0x8400_0008L;
    public static final long PSCI_SYSTEM_RESET = 0x8400_0009L;
    public static final long PSCI_FEATURES = 0x8400_000aL;
    public static final long GUEST_EXIT = 0xc600_0001L;

    /** PSCI_VERSION's answer: major 1, minor 1. */
    public static final long PSCI_1_1 = 0x1_0001L;

    // PSCI return codes (SMCCC NOT_SUPPORTED is PSCI's too).
    public static final long SUCCESS = 0;
    public static final long NOT_SUPPORTED = -1;
    public static final long INVALID_PARAMETERS = -2;
    public static final long ALREADY_ON = -4;
    public static final long ON_PENDING = -5;
    public static final long INVALID_ADDRESS = -9;

    // AFFINITY_INFO's answers.
    public static final long AFFINITY_ON = 0;
    public static final long AFFINITY_OFF = 1;
    public static final long AFFINITY_ON_PENDING = 2;

    /** MIGRATE_INFO_TYPE's answer: a Trusted OS is not present or does not need migration. */
    public static final long MIGRATE_NOT_NEEDED = 2;

    private GuestCalls() {}
}
