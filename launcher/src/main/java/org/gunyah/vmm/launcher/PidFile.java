package org.gunyah.vmm.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * {@code data/gunyah.pid}: the process id of the runtime that runs the folder ({@code bin/gunyah
 * run} or {@code start}), written when it starts and removed when it stops. A second runtime on the
 * same folder is refused while the process it names lives; a file left by a process that died is
 * taken over. {@code bin/gunyah status} and {@code stop} read it.
 */
final class PidFile {
    static final String PATH = "data/gunyah.pid";

    private final Path file;
    private final String pid;

    private PidFile(Path file, String pid) {
        this.file = file;
        this.pid = pid;
    }

    /** Writes this process's id, or returns null when a live process's id is there already. */
    static PidFile claim(Path file) throws IOException {
        Path folder = file.getParent();
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(
                    folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        String pid = Long.toString(ProcessHandle.current().pid());
        Path written = Files.createTempFile(folder, "gunyah", ".pid");
        Files.writeString(written, pid + "\n", StandardCharsets.US_ASCII);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                // a link is atomic and fails when the name exists: two runtimes starting together cannot both win
                Files.createLink(file, written);
                Files.delete(written);
                return new PidFile(file, pid);
            } catch (FileAlreadyExistsException e) {
                Optional<ProcessHandle> other = read(file).flatMap(ProcessHandle::of);
                if (other.isPresent() && other.get().isAlive()) {
                    Files.delete(written);
                    return null;
                }
                Files.deleteIfExists(file); // left by a runtime that died
            } catch (UnsupportedOperationException e) {
                Files.move(written, file, StandardCopyOption.REPLACE_EXISTING);
                return new PidFile(file, pid);
            }
        }
        Files.deleteIfExists(written);
        return null;
    }

    static Optional<Long> read(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Removes the file if it still names this process. */
    void release() {
        try {
            if (read(file).map(p -> Long.toString(p).equals(pid)).orElse(false)) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a file naming a dead process is taken over by the next start
        }
    }
}
