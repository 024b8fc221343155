package org.gunyah.vmm.managed.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.managed.Boot;
import org.gunyah.vmm.managed.VmSpec;

/**
 * The arm64 Linux boot protocol ({@code Documentation/arch/arm64/booting.rst}) for one VM: the
 * kernel {@link ArmLinuxImage} {@code text_offset} bytes above the start of RAM (which must be
 * 2 MiB-aligned) with {@code image_size} bytes kept for it, BSS included; the initrd on the next
 * page after that; the devicetree ({@link LinuxDevicetree}) above both, placed at start.
 *
 * <p>The VM manager starts the boot vCPU at the start of RAM with x0 = the devicetree and x1-x3 = 0,
 * at EL1 with the MMU off; there is the kernel's first byte when {@code text_offset} is 0 (every
 * kernel since 5.8). An older kernel with a non-zero {@code text_offset} gets one branch to its
 * first byte in the otherwise unused space below it (which booting.rst leaves to the loader), so
 * it is entered with the same registers. The other vCPUs wait for PSCI CPU_ON: their cpu nodes say
 * {@code enable-method = "psci"}.
 */
record LinuxBoot(ArmLinuxImage kernel, Optional<Path> initrd, String bootargs, Layout layout) implements BootPlan {
    static final long KERNEL_ALIGN = 2L << 20;

    /**
     * Where things go, in guest physical addresses: the kernel's first byte and the end of its
     * {@code image_size}, the initrd (empty when none).
     */
    record Layout(long ramBase, long ramSize, long kernel, long kernelEnd, long initrd, long initrdEnd) {
        /** EINVAL when RAM is not 2 MiB-aligned or cannot hold the kernel, the initrd and a devicetree page. */
        static Layout plan(long ramBase, long ramSize, ArmLinuxImage image, long initrdSize) throws GunyahException {
            if (ramBase % KERNEL_ALIGN != 0) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "a Linux VM needs its RAM at a 2 MiB-aligned base for the kernel; 0x%x is not",
                        ramBase);
            }
            long kernel = ramBase + image.textOffset();
            long kernelEnd = kernel + image.imageSize();
            long initrd = align(kernelEnd, MemoryRegion.PAGE_SIZE);
            long initrdEnd = initrd + initrdSize;
            long needed = align(initrdSize == 0 ? kernelEnd : initrdEnd, MemoryRegion.PAGE_SIZE)
                    + MemoryRegion.PAGE_SIZE
                    - ramBase;
            if (Long.compareUnsigned(needed, ramSize) > 0 || image.imageSize() > ramSize) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "kernel %s (text_offset 0x%x, image_size %d)%s and a devicetree page need %d bytes of RAM;"
                                + " the VM has %d",
                        image.file(),
                        image.textOffset(),
                        image.imageSize(),
                        initrdSize == 0 ? "" : " with an initrd of " + initrdSize + " bytes",
                        needed,
                        ramSize);
            }
            return new Layout(ramBase, ramSize, kernel, kernelEnd, initrd, initrd + initrdSize);
        }

        /** Bytes from the start of RAM the kernel and initrd use. */
        long used() {
            return (initrdEnd > initrd ? initrdEnd : kernelEnd) - ramBase;
        }
    }

    /** Checks the kernel and initrd and plans their places; nothing is created. */
    static LinuxBoot read(VmSpec spec, Boot.Linux linux) throws GunyahException {
        ArmLinuxImage image = ArmLinuxImage.read(linux.kernel());
        long initrdSize = 0;
        if (linux.initrd().isPresent()) {
            try {
                initrdSize = Files.size(linux.initrd().get());
            } catch (IOException e) {
                throw GunyahException.of(
                        Errno.ENOENT,
                        "cannot read initrd %s: %s",
                        linux.initrd().get(),
                        e.getMessage());
            }
        }
        Layout layout = Layout.plan(spec.ramBase(), spec.memorySize(), image, initrdSize);
        return new LinuxBoot(image, linux.initrd(), linux.bootargs(), layout);
    }

    @Override
    public void load(MemorySegment ram) throws GunyahException {
        copy(kernel.file(), "kernel", kernel.fileSize(), ram, layout.kernel() - layout.ramBase());
        if (initrd.isPresent()) {
            copy(initrd.get(), "initrd", layout.initrdEnd() - layout.initrd(), ram, layout.initrd() - layout.ramBase());
        }
        if (kernel.textOffset() != 0) {
            ram.set(
                    ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN),
                    0,
                    branch(kernel.textOffset()));
        }
    }

    /** {@code B #offset}: imm26 counts words. */
    static int branch(long offset) {
        return 0x1400_0000 | (int) ((offset >>> 2) & 0x03ff_ffff);
    }

    /** Reads {@code size} bytes of {@code file} straight into RAM at {@code offset}: a kernel never passes through the heap. */
    private static void copy(Path file, String what, long size, MemorySegment ram, long offset) throws GunyahException {
        ByteBuffer target = ram.asSlice(offset, size).asByteBuffer();
        try (FileChannel in = FileChannel.open(file)) {
            while (target.hasRemaining()) {
                if (in.read(target) < 0) {
                    throw GunyahException.of(
                            Errno.EINVAL, "%s %s became shorter while it was loaded (%d bytes)", what, file, size);
                }
            }
        } catch (IOException e) {
            throw GunyahException.of(Errno.ENOENT, "cannot read %s %s: %s", what, file, e.getMessage());
        }
    }

    private static long align(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    @Override
    public long reserved() {
        return layout.used();
    }

    @Override
    public DtNode devicetree(DevicetreeSources sources) throws GunyahException {
        return LinuxDevicetree.of(sources, this);
    }
}
