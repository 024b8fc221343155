package org.gunyah.vmm.hypervisor.emulated;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.testing.Devicetrees;
import org.gunyah.vmm.tools.a64asm.A64Assembler;
import org.gunyah.vmm.tools.a64asm.Program;

/**
 * A test guest: code assembled from a source under {@code src/test/resources/guests} at the start
 * of one RAM region, and a devicetree declaring its vCPUs and doorbells near the end of it.
 */
public final class GuestImage {
    public static final long BASE = 0x4000_0000L;
    public static final long RAM_SIZE = 0x20_000;
    public static final long DTB_OFFSET = 0x1_8000;
    /** A guest that waits for interrupts forever: its runner sleeps until kicked. */
    public static final String PARKED = """
        _start:
                wfi
                b _start
        """;

    private GuestImage() {}

    public static String source(String name) {
        try (InputStream in = GuestImage.class.getResourceAsStream("/guests/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no guest source " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A devicetree with {@code cpus} vCPUs (reg 0..n-1) and the given doorbell nodes. */
    public static DtNode devicetree(int cpus, DtNode... doorbells) {
        return Devicetrees.vm(cpus, doorbells);
    }

    /** A doorbell node with a BELL_TX label, a GIC SPI and a target vCPU. */
    public static DtNode doorbell(int label, int spi, int targetCpu) {
        return Devicetrees.doorbell(label, spi, targetCpu);
    }

    /** Assembles {@code source}, lays out RAM with the image and the devicetree, and gives it to the VM. */
    public static Program load(Vm vm, Arena arena, String source, DtNode devicetree) throws GunyahException {
        Program program = A64Assembler.assemble(source, BASE);
        load(vm, arena, program.image(), devicetree);
        return program;
    }

    /** Lays out RAM with an image built elsewhere (an x86 guest for KVM) and the devicetree. */
    public static void load(Vm vm, Arena arena, byte[] image, DtNode devicetree) throws GunyahException {
        MemorySegment ram = arena.allocate(RAM_SIZE, MemoryRegion.PAGE_SIZE);
        MemorySegment.copy(image, 0, ram, ValueLayout.JAVA_BYTE, 0, image.length);
        byte[] dtb = Fdt.encode(devicetree);
        MemorySegment.copy(dtb, 0, ram, ValueLayout.JAVA_BYTE, DTB_OFFSET, dtb.length);
        vm.setUserMemoryRegion(new MemoryRegion(0, MemoryRegion.RWX, BASE, ram));
        vm.setDtbConfig(BASE + DTB_OFFSET, dtb.length);
    }
}
