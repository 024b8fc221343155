package org.gunyah.vmm.hypervisor.kvm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.gunyah.vmm.hypervisor.kvm.vm.KvmHypervisor;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;
import org.gunyah.vmm.testing.HypervisorVmContract;

/** The resource manager's contract on KVM, with 32-bit x86 guests; skipped, saying why, without a usable /dev/kvm. */
class KvmVmContractTest extends HypervisorVmContract {
    @Override
    protected Hypervisor newHypervisor() {
        return KvmTests.hypervisor();
    }

    @Override
    protected void closeHypervisor() {
        ((KvmHypervisor) hypervisor).close();
    }

    @Override
    protected byte[] guestExitingWith7() {
        return x86("exit7.S", "_start: mov $7, %eax\n out %eax, $0xf4\n 1: jmp 1b\n");
    }

    @Override
    protected byte[] guestThatCrashes() {
        // int3 with no IDT loaded: #BP, then #DF, then a triple fault
        return x86("crash.S", "_start: int3\n");
    }

    @Override
    protected byte[] guestThatSpins() {
        return x86("spin.S", "_start: jmp _start\n");
    }

    /** Built once per run: GNU as and ld are processes. */
    private static byte[] x86(String name, String source) {
        return BUILT.computeIfAbsent(name, n -> X86Guest.build(n, (".code32\n" + source).getBytes()))
                .clone();
    }

    private static final Map<String, byte[]> BUILT = new ConcurrentHashMap<>();
}
