package org.gunyah.vmm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int frames(byte[] wire) throws IOException {
        return Client.frames(
                new DataInputStream(new ByteArrayInputStream(wire)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static void frame(DataOutputStream wire, int kind, byte[] data) throws IOException {
        wire.writeByte(kind);
        wire.writeInt(data.length);
        wire.write(data);
    }

    @Test
    void outputAndErrorsArePrintedAndTheExitFrameIsTheStatus() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream wire = new DataOutputStream(bytes);
        frame(wire, Client.OUT, "no VMs\n".getBytes(StandardCharsets.UTF_8));
        frame(wire, Client.ERR, "EINVAL: x\n".getBytes(StandardCharsets.UTF_8));
        frame(wire, Client.EXIT, new byte[] {0, 0, 0, 1});

        assertEquals(1, frames(bytes.toByteArray()));
        assertEquals("no VMs\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("EINVAL: x\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSessionCutShortFails() throws IOException {
        assertEquals(1, frames(new byte[] {Client.OUT, 0, 0, 0, 5, 'n', 'o'}));
    }

    @Test
    void withoutASocketTheRuntimeIsNotRunning(@TempDir Path home) throws IOException {
        assertEquals(
                Client.NOT_RUNNING,
                Client.run(
                        home.resolve("data/gunyah.sock"),
                        "gunyah:vms",
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals(
                "gunyah: the runtime is not running (no " + home.resolve("data/gunyah.sock") + ")\n",
                err.toString(StandardCharsets.UTF_8));
    }
}
