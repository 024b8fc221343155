package org.gunyah.vmm.remoteconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketConsoleTest {
    @TempDir
    Path dir;

    @Test
    void theSocketIsOwnerOnlyInAnOwnerOnlyFolder() throws IOException {
        Path socket = dir.resolve("data/gunyah.sock");
        try (ServerSocketChannel server = SocketConsole.open(socket)) {
            assertTrue(server.isOpen());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        }
    }

    @Test
    void aFolderOthersCouldEnterIsClosedToThem() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ServerSocketChannel server = SocketConsole.open(data.resolve("gunyah.sock"))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        }
    }

    @Test
    void aSocketLeftByADeadRuntimeIsReplacedAndALiveOneIsNot() throws IOException {
        Path socket = dir.resolve("data/gunyah.sock");
        SocketConsole.open(socket).close(); // closed without removing its file, as a killed runtime leaves it
        assertTrue(Files.exists(socket));
        try (ServerSocketChannel live = SocketConsole.open(socket)) {
            IOException e = assertThrows(IOException.class, () -> SocketConsole.open(socket));
            assertTrue(e.getMessage().startsWith("another runtime answers on"), e.getMessage());
        }
    }

    @Test
    void aPathTooLongForASocketIsUsedRelativeToTheWorkingFolder() throws IOException {
        Path deep = Path.of("").toAbsolutePath().resolve("x".repeat(90)).resolve("gunyah.sock");
        UnixDomainSocketAddress address = SocketConsole.address(deep);
        assertFalse(address.getPath().isAbsolute());
        assertEquals(deep, address.getPath().toAbsolutePath());
        Path shortOne = dir.resolve("gunyah.sock");
        assertEquals(shortOne, SocketConsole.address(shortOne).getPath());
        try (ServerSocketChannel unused = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            // the JDK's own limit, which address() keeps under
            assertThrows(
                    java.net.SocketException.class,
                    () -> unused.bind(UnixDomainSocketAddress.of(dir.resolve("y".repeat(120)))));
        }
    }
}
