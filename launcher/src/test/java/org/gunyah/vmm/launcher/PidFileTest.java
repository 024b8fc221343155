package org.gunyah.vmm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {
    @TempDir
    Path home;

    @Test
    void theFileNamesThisProcessInAnOwnerOnlyFolderUntilReleased() throws IOException {
        Path file = home.resolve(PidFile.PATH);
        PidFile pid = PidFile.claim(file);

        assertNotNull(pid);
        assertEquals(Optional.of(ProcessHandle.current().pid()), PidFile.read(file));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        pid.release();
        assertFalse(Files.exists(file));
    }

    @Test
    void aSecondRuntimeIsRefusedWhileTheFirstLives() throws IOException {
        Path file = home.resolve(PidFile.PATH);
        assertNotNull(PidFile.claim(file));
        assertNull(PidFile.claim(file), "this process is alive: the folder is taken");
    }

    @Test
    void aFileLeftByADeadRuntimeIsTakenOver() throws IOException {
        Path file = home.resolve(PidFile.PATH);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "2147483646\n"); // no such process
        assertNotNull(PidFile.claim(file));
        assertEquals(Optional.of(ProcessHandle.current().pid()), PidFile.read(file));
    }
}
