package org.gunyah.vmm.hypervisor.kvm;

import java.nio.file.Files;
import java.nio.file.Path;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.kvm.vm.KvmHypervisor;
import org.junit.jupiter.api.Assumptions;

/** Tests that need /dev/kvm: they run wherever it works and are skipped, saying why, elsewhere. */
public final class KvmTests {
    private KvmTests() {}

    /** A KVM backend, or the test is aborted (skipped) with the reason KVM cannot be used here. */
    public static KvmHypervisor hypervisor() {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/kvm")), "skipped: this machine has no /dev/kvm");
        try {
            return KvmHypervisor.open();
        } catch (GunyahException e) {
            Assumptions.abort("skipped: /dev/kvm cannot run a VM here: " + e.getMessage());
            throw new AssertionError(e);
        }
    }

    public static boolean available() {
        if (!Files.exists(Path.of("/dev/kvm"))) {
            return false;
        }
        try {
            KvmHypervisor.open().close();
            return true;
        } catch (GunyahException e) {
            return false;
        }
    }
}
