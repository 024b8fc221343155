package org.gunyah.vmm.hypervisor.emulated.rm;

import org.gunyah.vmm.hypervisor.emulated.EmulatedHypervisor;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;
import org.gunyah.vmm.testing.HypervisorVmContract;
import org.gunyah.vmm.tools.a64asm.A64Assembler;

/** The resource manager's contract on the emulated backend, with A64 guests. */
class EmulatedVmContractTest extends HypervisorVmContract {
    @Override
    protected Hypervisor newHypervisor() {
        return new EmulatedHypervisor();
    }

    @Override
    protected byte[] guestExitingWith7() {
        return a64("_start: ldr x0, =0xc6000001\n mov x1, #7\n hvc #0\n b .\n");
    }

    @Override
    protected byte[] guestThatCrashes() {
        return a64("_start: .word 0\n");
    }

    @Override
    protected byte[] guestThatSpins() {
        return a64("_start: b _start\n");
    }

    private static byte[] a64(String source) {
        return A64Assembler.assemble(source, BASE).image();
    }
}
