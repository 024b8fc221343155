package org.gunyah.vmm.hypervisor.emulated.rm;

/**
 * The hypercalls an emulated guest may make with {@code hvc #0}, function id in x0 (SMCCC style).
 * Unknown ids return -1 (SMCCC NOT_SUPPORTED) in x0 and the guest goes on.
 *
 * <table>
 * <tr><th>x0</th><th>name</th><th>effect</th></tr>
 * <tr><td>0x84000000</td><td>PSCI_VERSION</td><td>x0 = 0x10000 (PSCI 1.0)</td></tr>
 * <tr><td>0x84000002</td><td>PSCI_CPU_OFF</td><td>this vCPU powers off; the VM goes on</td></tr>
 * <tr><td>0x84000008</td><td>PSCI_SYSTEM_OFF</td><td>the VM exits, exit type PSCI_POWER_OFF</td></tr>
 * <tr><td>0x84000009</td><td>PSCI_SYSTEM_RESET</td><td>the VM exits, exit type PSCI_SYSTEM_RESET</td></tr>
 * <tr><td>0xc6000001</td><td>GUEST_EXIT</td><td>the VM exits, exit type VM_EXIT, reason = x1 (8 bytes LE)</td></tr>
 * </table>
 */
public final class GuestCalls {
    public static final long PSCI_VERSION = 0x8400_0000L;
    public static final long PSCI_CPU_OFF = 0x8400_0002L;
    public static final long PSCI_SYSTEM_OFF = 0x8400_0008L;
    public static final long PSCI_SYSTEM_RESET = 0x8400_0009L;
    public static final long GUEST_EXIT = 0xc600_0001L;

    public static final long NOT_SUPPORTED = -1;

    private GuestCalls() {}
}
