package org.gunyah.vmm.managed;

/**
 * The device models every managed VM has, at fixed guest physical addresses:
 *
 * <ul>
 * <li>Console: {@link #CONSOLE_BASE} + 8 &times; n is vCPU n's transmit register; each byte written
 * there is a character of output, collected into lines per vCPU (so that several vCPUs writing at
 * once do not interleave mid-line). Reads return 0 (never busy).
 * <li>Exit register: a write of 1 to 8 bytes at {@link #EXIT_REGISTER} ends the guest with the
 * value as its exit code: every vCPU stops and the VM's status is {@code EXITED(code)}, as after
 * the hypervisor's own exit call. Reads return 0.
 * <li>Doorbell responders (declared VMs): an ioeventfd declared with {@code irq=<label>} has the VMM
 * signal that irqfd each time the guest rings it, as a device answering a kick would. While that
 * ioeventfd is not bound (its function bundle is being replaced), the same write reaches the VMM
 * as an MMIO exit and is answered the same way, as a VMM without ioeventfds handles every kick:
 * the ioeventfd is a fast path, never the only path.
 * <li>PL011 UART (Linux VMs' console, {@code ttyAMA0}): {@link #PL011_SIZE} bytes at {@link #PL011_BASE},
 * its interrupt SPI {@link #PL011_SPI} (INTID 32 + that), level-triggered. The Linux devicetree
 * names it as {@code /chosen/stdout-path} whenever the VM has the model.
 * <li>Any other MMIO exit no function handled: a read returns 0 and a write is dropped; both are
 * counted as unhandled.
 * </ul>
 */
public final class Devices {
    public static final long CONSOLE_BASE = 0x0900_0000L;
    public static final long CONSOLE_SIZE = 0x1000;
    public static final long EXIT_REGISTER = 0x0900_1000L;
    public static final long PL011_BASE = 0x0900_2000L;
    public static final long PL011_SIZE = 0x1000;
    /** The PL011's interrupt: this SPI, INTID 32 + it, level high; no doorbell is given it. */
    public static final int PL011_SPI = 1;
    /** Characters of console output each VM keeps for {@link ManagedVm#console()}. */
    public static final int CONSOLE_KEEP = 64 * 1024;

    private Devices() {}

    /** The device models a VM may have (a declaration's {@code devices}); every VM has all by default. */
    public enum Model {
        CONSOLE("console"),
        EXIT_REGISTER("exit-register"),
        PL011("pl011");

        private final String label;

        Model(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** By label; EINVAL naming the known ones otherwise. */
        public static Model of(String label) throws org.gunyah.vmm.api.GunyahException {
            for (Model m : values()) {
                if (m.label.equals(label.strip())) {
                    return m;
                }
            }
            throw org.gunyah.vmm.api.GunyahException.of(
                    org.gunyah.vmm.api.Errno.EINVAL,
                    "no device model '%s' (known: %s)",
                    label.strip(),
                    java.util.Arrays.stream(values())
                            .map(Model::label)
                            .collect(java.util.stream.Collectors.joining(", ")));
        }
    }
}
