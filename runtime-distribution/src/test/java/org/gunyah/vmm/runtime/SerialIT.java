package org.gunyah.vmm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM's serial line from the command line: bin/gunyah linux's refusals, and the terminal
 * attached to a declared VM's PL011 (gunyah:vm-attach, what bin/gunyah linux does after booting)
 * with a guest that echoes what it receives.
 */
class SerialIT {
    private static Path home;

    /** Echoes what its PL011 receives (taking its level interrupt, SPI 1); a '.' exits with the count echoed. */
    private static final String ECHO_GUEST = """
                .equ UART, 0x09002000
                adr     x1, stack_top
                mov     sp, x1
                adr     x1, vectors
                msr     vbar_el1, x1
                ldr     x1, =0x08000000         // the GICv3: SPI 1 (INTID 33) in group 1, enabled
                mov     w2, #0x2
                str     w2, [x1, #0x84]
                str     w2, [x1, #0x104]
                mov     w2, #0x12               // GICD_CTLR: ARE, EnableGrp1
                str     w2, [x1]
                mov     x2, #7
                msr     icc_sre_el1, x2
                mov     x2, #0xff
                msr     icc_pmr_el1, x2
                mov     x2, #1
                msr     icc_igrpen1_el1, x2
                ldr     x19, =UART
                mov     w2, #0x70
                str     w2, [x19, #0x2c]
                mov     w2, #0x50
                str     w2, [x19, #0x38]
                mov     w2, #0x301
                str     w2, [x19, #0x30]
                mov     x20, #0
        1:      msr     daifclr, #2
                wfi
                b       1b
        irq:
                mrs     x0, icc_iar1_el1
        2:      ldr     w1, [x19, #0x18]
                tbnz    w1, #4, 3f
                ldr     w1, [x19]
                and     w1, w1, #0xff
                cmp     w1, #'.'
                b.eq    5f
                str     w1, [x19]
                add     x20, x20, #1
                b       2b
        3:      msr     icc_eoir1_el1, x0
                eret
        5:      ldr     x1, =0x09001000
                str     x20, [x1]
        6:      b       6b
                .ltorg
                .balign 2048
        vectors:
                .space  0x280
                b       irq
                .space  0x800 - 0x284
                .balign 16
                .space  1024
        stack_top:
        """;

    @BeforeAll
    static void unpack() throws IOException {
        home = RuntimeIT.unpack();
    }

    private static BinGunyah.Run gunyah(Path home, String input, String... args) throws Exception {
        return RuntimeIT.gunyah(home, input, args);
    }

    @Test
    void linuxWithoutAKernelIsOneLineAndStatusTwo() throws Exception {
        BinGunyah.Run run = gunyah(home, "", "linux", "--initrd", "x");

        assertEquals(2, run.status(), run.output());
        assertTrue(run.output().startsWith("gunyah: linux needs --kernel <Image>\n"), run.output());
    }

    @Test
    void linuxWithAMemorySizeThatIsNoneIsStatusTwo() throws Exception {
        Path kernel = Files.createTempFile("Image", "");
        BinGunyah.Run run = gunyah(home, "", "linux", "--kernel", kernel.toString(), "--memory", "half");

        assertEquals(2, run.status(), run.output());
        assertTrue(run.output().contains("--memory 'half' is not a size"), run.output());
    }

    @Test
    void linuxHelpDocumentsTheEscapeKeys() throws Exception {
        BinGunyah.Run run = gunyah(home, "", "linux", "--help");

        assertEquals(0, run.status(), run.output());
        assertTrue(run.output().contains("Ctrl-A X   stop the VM and exit"), run.output());
    }

    /** A runtime of its own whose conf/ declares the VM echo: the echoing guest with a PL011. */
    private static Path echoHome() throws IOException {
        Path home = RuntimeIT.unpack();
        Files.write(
                home.resolve("guests/uart-echo.bin"),
                org.gunyah.vmm.tools.a64asm.A64Assembler.assemble(ECHO_GUEST, 0x40000000L)
                        .image());
        Files.writeString(home.resolve("conf/org.gunyah.vmm.vm-echo.cfg"), """
            name = echo
            hypervisor = emulated
            memory = 1M
            image = guests/uart-echo.bin
            devices = console, exit-register, pl011
            """);
        return home;
    }

    /** The smallest arm64 Linux Image: the boot protocol's header, then PSCI SYSTEM_OFF. */
    private static final String POWER_OFF_IMAGE = """
                b       start                   // code0
                .word   0                       // code1
                .quad   0                       // text_offset
                .quad   4096                    // image_size
                .quad   0xa                     // flags: little-endian, 4 KiB pages, anywhere
                .quad   0, 0, 0
                .word   0x644d5241              // "ARM\\x64"
                .word   0
        start:  ldr     x0, =0x84000008         // PSCI SYSTEM_OFF
                hvc     #0
        1:      b       1b
                .ltorg
                .balign 4096
        """;

    @Test
    void linuxShowsTheGuestAloneWithoutStartingTheWebConsole(@TempDir Path dir) throws Exception {
        Path image = dir.resolve("Image");
        Files.write(
                image,
                org.gunyah.vmm.tools.a64asm.A64Assembler.assemble(POWER_OFF_IMAGE, 0x40000000L)
                        .image());

        BinGunyah.Run run = gunyah(home, "", "linux", "--kernel", image.toString(), "--memory", "16M");

        assertEquals(0, run.status(), run.output());
        assertFalse(run.output().contains("Jetty"), run.output());
        assertFalse(run.output().toLowerCase(java.util.Locale.ROOT).contains("webconsole"), run.output());
    }

    @Test
    void typedBytesReachADeclaredVmsPl011AndItsEchoComesOutAndItsExitIsTheStatus() throws Exception {
        BinGunyah.Run run = gunyah(echoHome(), "hello\n.", "-c", "gunyah:vm-attach echo");

        assertTrue(run.output().contains("hello\n"), run.output());
        assertEquals(6, run.status(), run.output());
    }

    @Test
    void vmInputTypesIntoADeclaredVmsPl011BeforeWhatTheTerminalTypes() throws Exception {
        // vm-input's three bytes reach the guest before the terminal's '.', which ends it with their count
        BinGunyah.Run run =
                gunyah(echoHome(), ".", "-c", "gunyah:vm-input echo --wait 30s 'hi\\n'; gunyah:vm-attach echo");

        assertTrue(run.output().contains("sent 3 bytes to VM echo"), run.output());
        assertEquals(3, run.status(), run.output());
    }

    @Test
    void attachingToAVmWithoutAPl011IsEinval() throws Exception {
        Path home = RuntimeIT.unpack();
        Path image = home.resolve("guests/spin.bin");
        Files.write(image, new byte[] {0, 0, 0, 0x14}); // b .
        Files.writeString(home.resolve("conf/org.gunyah.vmm.vm-mute.cfg"), """
            name = mute
            hypervisor = emulated
            memory = 1M
            image = guests/spin.bin
            """);

        BinGunyah.Run run = gunyah(home, "", "-c", "gunyah:vm-attach mute");

        assertEquals(1, run.status(), run.output());
        assertTrue(run.output().contains("EINVAL: VM mute has no PL011 to attach to"), run.output());
    }
}
