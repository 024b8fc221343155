package org.gunyah.vmm.managed;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How a VM's guest is put in RAM and entered: the project's raw images, or the arm64 Linux boot
 * protocol. Either way the VM manager starts the boot vCPU at the start of RAM with x0 = the
 * devicetree's address, which the VMM writes at start from the VM's functions and devices.
 */
public sealed interface Boot {
    /**
     * A raw image copied to the start of RAM, where every vCPU begins; empty for none (RAM is
     * zero). Its devicetree declares the cpus, the doorbells, memory and the console register.
     */
    record RawImage(Optional<Path> image) implements Boot {
        public RawImage {
            image = image == null ? Optional.empty() : image;
        }

        public static final RawImage NONE = new RawImage(Optional.empty());
    }

    /**
     * The arm64 Linux boot protocol ({@code Documentation/arch/arm64/booting.rst}): {@code kernel}
     * is an uncompressed arm64 {@code Image}, placed {@code text_offset} bytes above the start of
     * RAM (a 2 MiB-aligned base) with {@code image_size} bytes kept for it; the {@code initrd}, if
     * any, follows it, and the devicetree lies at the end of RAM. The boot vCPU enters the kernel
     * with x0 = the devicetree and the MMU off; the others wait for PSCI CPU_ON. The devicetree is
     * a Linux one (memory, cpus, PSCI, GICv3, timer, the PL011 as stdout, chosen with
     * {@code bootargs} and the initrd, the doorbells).
     */
    record Linux(Path kernel, Optional<Path> initrd, String bootargs) implements Boot {
        public Linux {
            java.util.Objects.requireNonNull(kernel, "kernel");
            initrd = initrd == null ? Optional.empty() : initrd;
            bootargs = bootargs == null ? "" : bootargs;
        }

        /** A kernel alone, with no initrd and empty bootargs. */
        public static Linux of(Path kernel) {
            return new Linux(kernel, Optional.empty(), "");
        }

        public Linux withInitrd(Path file) {
            return new Linux(kernel, Optional.ofNullable(file), bootargs);
        }

        public Linux withBootargs(String args) {
            return new Linux(kernel, initrd, args);
        }
    }
}
