package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.api.dt.DtProperty;
import org.gunyah.vmm.function.irqfd.IrqfdFunction;
import org.gunyah.vmm.function.vcpu.VcpuFunction;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.managed.Devices;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.Serial;
import org.gunyah.vmm.managed.VmSpec;
import org.gunyah.vmm.tools.a64asm.A64Assembler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM's PL011 on the emulated backend: a guest that echoes what it receives, taking the UART's
 * level interrupt (SPI 1) to do so, and ends at a '.'.
 */
class SerialTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final TestBed bed = new TestBed();
    private final ManagedVmRegistry vms = new ManagedVmRegistry(bed.manager);

    @TempDir
    Path dir;

    @BeforeEach
    void functions() {
        bed.provide(FunctionType.VCPU, new VcpuFunction());
        bed.provide(FunctionType.IRQFD, new IrqfdFunction());
    }

    @AfterEach
    void close() {
        vms.close();
        bed.close();
    }

    private ManagedVm echo(String name) throws Exception {
        Path image = dir.resolve("uart-echo.bin");
        try (InputStream in = getClass().getResourceAsStream("/guests/uart-echo.S")) {
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Files.write(
                    image,
                    A64Assembler.assemble(source, VmSpec.DEFAULT_RAM_BASE).image());
        }
        ManagedVm vm = vms.create(
                VmSpec.of(name).withMemory(1 << 20).withImage(image).withDevices(EnumSet.allOf(Devices.Model.class)));
        vm.addFunction(new VcpuArg(0).desc());
        return vm;
    }

    /** Completes once the guest has transmitted {@code expected}, then holds what it transmitted. */
    private static final class Expect extends OutputStream {
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        final CompletableFuture<String> done = new CompletableFuture<>();
        final String expected;

        Expect(String expected) {
            this.expected = expected;
        }

        @Override
        public synchronized void write(int b) {
            seen.write(b);
            String text = seen.toString(StandardCharsets.ISO_8859_1);
            if (text.contains(expected)) {
                done.complete(text);
            }
        }
    }

    @Test
    void bytesSentToTheUartAreEchoedByTheGuestToTheAttachedStreamAndTheConsole() throws Exception {
        ManagedVm vm = echo("echo");
        Serial serial = vm.serial().orElseThrow();
        Expect output = new Expect("hello\n");
        try (Serial.Attachment a = serial.attach(output)) {
            vm.start();

            assertEquals(6, serial.send("hello\n".getBytes(StandardCharsets.US_ASCII), TIMEOUT));

            assertEquals("hello\n", output.done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }
        assertEquals("hello\n", vm.console());
    }

    @Test
    void theGuestHearsEachLaterByteThroughTheLevelInterruptAndEndsWithItsCount() throws Exception {
        ManagedVm vm = echo("typist");
        Serial serial = vm.serial().orElseThrow();
        vm.start();

        for (String key : new String[] {"a", "b", "c", "."}) {
            Expect output = new Expect(key);
            try (Serial.Attachment a = serial.attach(output)) {
                serial.send(key.getBytes(StandardCharsets.US_ASCII), TIMEOUT);
                if (!key.equals(".")) {
                    output.done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            }
        }

        assertTrue(vm.awaitDown(TIMEOUT));
        assertEquals("EXITED(3)", vm.status());
    }

    @Test
    void bytesSentBeforeTheGuestRunsWaitForIt() throws Exception {
        ManagedVm vm = echo("early");
        Serial serial = vm.serial().orElseThrow();

        serial.send("ok.".getBytes(StandardCharsets.US_ASCII), TIMEOUT);
        vm.start();

        assertTrue(vm.awaitDown(TIMEOUT));
        assertEquals("EXITED(2)", vm.status());
    }

    @Test
    void theUartsLevelIrqfdIsAddedAtStartWithItsDoorbellAtSpi1() throws Exception {
        ManagedVm vm = echo("wired");
        vm.start();

        IrqfdArg irqfd = vm.vm().functions().stream()
                .filter(f -> f.type() == FunctionType.IRQFD)
                .map(f -> {
                    try {
                        return IrqfdArg.decode(f.arg());
                    } catch (org.gunyah.vmm.api.GunyahException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .findFirst()
                .orElseThrow();
        assertEquals(Devices.PL011_LABEL, irqfd.label());
        assertTrue(irqfd.level());
        DtNode bell = GuestDevicetree.of(vm.vm().functions(), java.util.Map.of(), 0x4000_0000L, 1 << 20)
                .child("hypervisor")
                .orElseThrow()
                .children()
                .getFirst();
        assertEquals(
                Devices.PL011_SPI,
                bell.property("interrupts").map(DtProperty::asU32Cells).orElseThrow()[1]);
    }

    @Test
    void aVmWithoutThePl011HasNoSerial() throws Exception {
        ManagedVm vm = vms.create(VmSpec.of("plain").withMemory(1 << 20));

        assertTrue(vm.serial().isEmpty());
    }

    @Test
    void aVmHasNoPl011UnlessItsSpecNamesIt() {
        assertEquals(
                EnumSet.of(Devices.Model.CONSOLE, Devices.Model.EXIT_REGISTER),
                VmSpec.of("x").devices());
    }
}
