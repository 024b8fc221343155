package org.gunyah.vmm.soak;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.managed.ManagedVm;

/**
 * The soak guest ({@code src/main/guests/soak.S}, in the bundle as {@code guests/soak.bin}; its
 * x86 twin {@code soak-x86.S} as {@code guests/soak-x86.bin} for KVM) and the VM that runs it:
 * vCPU i rings the ioeventfd at {@code 0x0a000000 + 8i}, which the VMM answers with irqfd label
 * i + 1 aimed at vCPU i. Its counters sit at the same guest addresses in both builds.
 */
public final class SoakGuest {
    public static final int VCPUS = 4;
    static final String IMAGE = "soak.bin";
    static final String X86_IMAGE = "soak-x86.bin";
    private static final long DATA = 0x4008_0000L;
    private static final long STOP = DATA + 64;
    private static final long DOORBELL = 0x0a00_0000L;

    private SoakGuest() {}

    /** Copies the guest images into {@code dir}, where declarations find them. */
    static void install(Path dir) throws IOException {
        for (String image : List.of(IMAGE, X86_IMAGE)) {
            try (InputStream in = SoakGuest.class.getResourceAsStream("/guests/" + image)) {
                if (in == null) {
                    throw new IOException("guests/" + image + " is missing from the soak bundle");
                }
                Files.write(dir.resolve(image), in.readAllBytes());
            }
        }
    }

    /** A VM declaration (as a configuration's properties) running the soak guest built for {@code hypervisor}. */
    static Map<String, Object> declaration(String name, String hypervisor) {
        List<String> irqfds = new ArrayList<>();
        List<String> ioeventfds = new ArrayList<>();
        for (int i = 0; i < VCPUS; i++) {
            irqfds.add("label=" + (i + 1) + " cpu=" + i);
            ioeventfds.add("addr=0x" + Long.toHexString(DOORBELL + 8L * i) + " len=4 irq=" + (i + 1));
        }
        return Map.of(
                "name",
                name,
                "hypervisor",
                hypervisor,
                "memory",
                "1M",
                "image",
                hypervisor.equals("kvm") ? X86_IMAGE : IMAGE,
                "vcpus",
                String.valueOf(VCPUS),
                "irqfds",
                irqfds,
                "ioeventfds",
                ioeventfds);
    }

    /** Asks the guest to finish: every vCPU completes its round, then vCPU 0 exits with 0. */
    static void stop(ManagedVm vm) throws GunyahException {
        vm.writeGuest(
                STOP,
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1).array());
    }

    /** Rings made and interrupts taken, per vCPU, as the guest counted them. */
    record Counts(long[] writes, long[] taken) {
        long totalWrites() {
            long n = 0;
            for (long w : writes) {
                n += w;
            }
            return n;
        }

        long totalTaken() {
            long n = 0;
            for (long t : taken) {
                n += t;
            }
            return n;
        }

        /** vCPUs whose last ring is still unanswered. */
        int waiting() {
            int n = 0;
            for (int i = 0; i < writes.length; i++) {
                n += writes[i] != taken[i] ? 1 : 0;
            }
            return n;
        }
    }

    static Counts counts(ManagedVm vm) throws GunyahException {
        ByteBuffer data = ByteBuffer.wrap(vm.readGuest(DATA, 16 * VCPUS)).order(ByteOrder.LITTLE_ENDIAN);
        long[] writes = new long[VCPUS];
        long[] taken = new long[VCPUS];
        for (int i = 0; i < VCPUS; i++) {
            writes[i] = data.getLong(8 * i);
            taken[i] = data.getLong(8 * (VCPUS + i));
        }
        return new Counts(writes, taken);
    }
}
