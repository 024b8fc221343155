package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** FPCR and FPSR as MRS/MSR see them (writable bits as qemu's Cortex-A57 keeps them). */
class FpControlTest {
    private final A64Cpu cpu = new A64Cpu(0, new GuestMemory(List.of()), null);

    @Test
    void fpcrKeepsOnlyItsArchitectedV80Bits() {
        FpControl.write(cpu, FpControl.FPCR, -1L);
        assertEquals(0x07f70000L, FpControl.read(cpu, FpControl.FPCR));
    }

    @Test
    void fpsrKeepsTheFlagsQcAndNzcv() {
        FpControl.write(cpu, FpControl.FPSR, -1L);
        assertEquals(0xf800009fL, FpControl.read(cpu, FpControl.FPSR));
    }

    @Test
    void otherRegistersAreNotFpControls() {
        assertNull(FpControl.read(cpu, SystemRegisters.NZCV));
        assertFalse(FpControl.write(cpu, SystemRegisters.NZCV, 0));
    }
}
