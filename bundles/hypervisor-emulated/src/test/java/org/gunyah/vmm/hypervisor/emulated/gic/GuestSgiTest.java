package org.gunyah.vmm.hypervisor.emulated.gic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.gunyah.vmm.hypervisor.emulated.cpu.A64Cpu;
import org.gunyah.vmm.hypervisor.emulated.cpu.Exit;
import org.gunyah.vmm.hypervisor.emulated.cpu.GuestMemory;
import org.gunyah.vmm.tools.a64asm.A64Assembler;
import org.gunyah.vmm.tools.a64asm.Program;
import org.junit.jupiter.api.Test;

/**
 * A guest on two vCPUs takes an SGI end to end: each sets up its redistributor and CPU interface
 * through MMIO and system registers, vCPU 1 sleeps in WFI, vCPU 0 sends it SGI 5 through
 * ICC_SGI1R_EL1, and vCPU 1's handler acknowledges and ends it. The vCPUs take turns on the test's
 * thread, so each step is deterministic.
 */
class GuestSgiTest {
    static final long BASE = 0x4000_0000L;
    static final String GUEST = """
                .equ GICD, 0x08000000
                .equ GICR, 0x080a0000
        _start:
                mrs     x19, mpidr_el1
                and     x19, x19, #0xff
                adr     x1, stacks_top
                lsl     x2, x19, #10
                sub     sp, x1, x2
                adr     x1, vectors
                msr     vbar_el1, x1
                ldr     x1, =GICD
                mov     w2, #0x12                 // ARE, EnableGrp1
                str     w2, [x1]
                ldr     x1, =GICR
                add     x1, x1, x19, lsl #17
                str     wzr, [x1, #0x14]          // GICR_WAKER
                mov     x3, #0x10000
                add     x1, x1, x3                // SGI_base
                mov     w2, #0xffffffff
                str     w2, [x1, #0x80]           // IGROUPR0: group 1
                mov     w2, #0x20
                str     w2, [x1, #0x100]          // ISENABLER0: SGI 5
                mov     w2, #0x80
                strb    w2, [x1, #0x405]          // IPRIORITYR: SGI 5 at 0x80
                mov     x2, #7
                msr     icc_sre_el1, x2
                mov     x2, #0xff
                msr     icc_pmr_el1, x2
                mov     x2, #1
                msr     icc_igrpen1_el1, x2
                isb
                cbnz    x19, receiver
                ldr     x2, =0x05000002           // SGI 5 to Aff0 1
                msr     icc_sgi1r_el1, x2
                hvc     #0
        receiver:
                msr     daifclr, #2
        1:      wfi
                adr     x4, got
                ldr     x0, [x4]
                cbz     x0, 1b
                adr     x4, rpr
                ldr     x1, [x4]
                hvc     #1
        irq:
                mrs     x0, icc_iar1_el1
                adr     x4, got
                str     x0, [x4]
                mrs     x5, icc_rpr_el1
                adr     x4, rpr
                str     x5, [x4]
                msr     icc_eoir1_el1, x0
                eret
                .ltorg
                .balign 8
        got:    .quad 0
        rpr:    .quad 0
                .balign 2048
        vectors:
                .space  0x280
                b       irq
                .space  0x800 - 0x284
                .space  2048
        stacks_top:
        """;

    private final GicDriver d = new GicDriver(2);
    private final A64Cpu[] cpus = new A64Cpu[2];

    GuestSgiTest() {
        Program program = A64Assembler.assemble(GUEST, BASE);
        MemorySegment ram = Arena.ofAuto().allocate(0x10_000, 4096);
        MemorySegment.copy(program.image(), 0, ram, ValueLayout.JAVA_BYTE, 0, program.image().length);
        GuestMemory memory = new GuestMemory(List.of(new GuestMemory.Region(BASE, ram)));
        for (int c = 0; c < 2; c++) {
            cpus[c] = new A64Cpu(c, memory, d.gic.cpuInterface(c));
            cpus[c].setPc(program.entry());
            A64Cpu cpu = cpus[c];
            d.gic.attach(c, new CpuPort() {
                @Override
                public void setInterruptPending(boolean pending) {
                    cpu.setInterruptPending(pending);
                }

                @Override
                public void wake() {}
            });
        }
    }

    /** Runs vCPU {@code c} to its next exit that is neither the budget nor a GIC access. */
    private Exit run(int c) {
        for (int slice = 0; slice < 100; slice++) {
            Exit e = cpus[c].run(10_000);
            switch (e) {
                case Exit.MmioRead r
                when d.gic.claims(r.address(), r.size()) ->
                    cpus[c].completeMmioRead(d.gic.read(c, r.address(), r.size()));
                case Exit.MmioWrite w
                when d.gic.claims(w.address(), w.size()) -> d.gic.write(c, w.address(), w.size(), w.value());
                case Exit.Budget b -> {}
                case Exit.Crash crash -> fail(crash.toString());
                default -> {
                    return e;
                }
            }
        }
        return fail("vCPU " + c + " never stopped");
    }

    @Test
    void aVcpuSleepingInWfiTakesTheSgiAnotherSendsIt() {
        assertSame(Exit.WFI, run(1), "nothing pending: vCPU 1 sleeps");
        assertFalse(d.gic.hasPending(1));
        assertEquals(new Exit.Hypercall(0), run(0), "vCPU 0 sent the SGI");
        assertTrue(d.gic.hasPending(1), "it is signalled to vCPU 1");
        assertFalse(d.gic.hasPending(0));
        assertEquals(new Exit.Hypercall(1), run(1));
        assertEquals(5, cpus[1].x(0), "the handler acknowledged SGI 5");
        assertEquals(0x80, cpus[1].x(1), "running at its priority in the handler");
        assertEquals(0xff, d.read(1, GicDriver.RPR), "ended");
        assertEquals(0, d.gicr(1, GicDriver.SGI_BASE + 0x300), "not active");
    }
}
