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
 * <li>PL011 UART ({@code pl011}; not in the default set, a Linux VM has it): ARM's PrimeCell UART at
 * {@link #PL011_BASE}, {@link #PL011_SIZE} bytes, as Linux's amba-pl011 driver uses it. What the
 * guest transmits goes to the console's output (lines, as the console register's) and to the
 * streams attached to {@link ManagedVm#serial()}; what the host sends there the guest receives
 * through the receive FIFO. Its interrupt is level-triggered, SPI {@link #PL011_SPI} (INTID 32 +
 * SPI): the VMM adds a level irqfd of label {@link #PL011_LABEL} when the VM starts, and the
 * devicetree's doorbell for that label names that SPI.
 * <li>Doorbell responders (declared VMs): an ioeventfd declared with {@code irq=<label>} has the VMM
 * signal that irqfd each time the guest rings it, as a device answering a kick would. While that
 * ioeventfd is not bound (its function bundle is being replaced), the same write reaches the VMM
 * as an MMIO exit and is answered the same way, as a VMM without ioeventfds handles every kick:
 * the ioeventfd is a fast path, never the only path.
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
    /** The PL011's interrupt: SPI 1, INTID 33, level-triggered (a devicetree's {@code interrupts = <0 1 4>}). */
    public static final int PL011_SPI = 1;
    /**
     * The label of the PL011's irqfd and doorbell: its base address, which no other label of the
     * VMM's takes (a declaration's own irqfds must not use it).
     */
    public static final int PL011_LABEL = (int) PL011_BASE;
    /** Received bytes the PL011 holds for the guest at most: its FIFO and the host-side buffer behind it. */
    public static final int PL011_INPUT_LIMIT = 64 * 1024;
    /** Characters of console output each VM keeps for {@link ManagedVm#console()}. */
    public static final int CONSOLE_KEEP = 64 * 1024;

    private Devices() {}

    /**
     * The device models a VM may have (a declaration's {@code devices}); every VM has the console
     * and the exit register by default, a Linux VM the PL011 as well.
     */
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

        /** By label, when it is a built-in model's. */
        public static java.util.Optional<Model> find(String label) {
            return java.util.Arrays.stream(values())
                    .filter(m -> m.label.equals(label.strip()))
                    .findFirst();
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
                    String.join(
                            ", ",
                            java.util.Arrays.stream(values()).map(Model::label).toList()));
        }
    }

    /** The device models a VM booted by {@code boot} has unless told otherwise: the console and the exit register, and a Linux VM's PL011. */
    public static java.util.Set<Model> defaults(Boot boot) {
        return boot instanceof Boot.Linux
                ? java.util.EnumSet.allOf(Model.class)
                : java.util.EnumSet.of(Model.CONSOLE, Model.EXIT_REGISTER);
    }
}
