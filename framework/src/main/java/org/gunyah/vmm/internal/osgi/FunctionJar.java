package org.gunyah.vmm.internal.osgi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.osgi.framework.Version;

/** A jar fetched for a deploy: where it came from and its bytes, read once. */
record FunctionJar(URI source, byte[] bytes) {

    /** A bundle's identity, which the framework lets only one installed bundle have. */
    record Identity(String symbolicName, Version version) {}

    /** Reads the whole jar; EINVAL when it cannot be read. */
    static FunctionJar fetch(URI source) throws GunyahException {
        try (InputStream in = source.toURL().openStream()) {
            return new FunctionJar(source, in.readAllBytes());
        } catch (IOException | IllegalArgumentException e) {
            throw GunyahException.of(Errno.EINVAL, "cannot read %s: %s", source, e.getMessage());
        }
    }

    InputStream open() {
        return new ByteArrayInputStream(bytes);
    }

    /** The name its copy gets in the function folder: its source's file name, ending in .jar. */
    String fileName() {
        String path = source.getPath();
        String name = path == null || path.isEmpty()
                ? "deployed.jar"
                : Path.of(path).getFileName().toString();
        return name.endsWith(".jar") ? name : name + ".jar";
    }

    /**
     * Bundle-SymbolicName and Bundle-Version from its manifest; empty when it is no jar, has no
     * symbolic name or a malformed version (the install then says what is wrong in the framework's words).
     */
    Optional<Identity> identity() {
        try (JarInputStream jar = new JarInputStream(open())) {
            Manifest m = jar.getManifest();
            String bsn = m == null ? null : m.getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null) {
                return Optional.empty();
            }
            String version = m.getMainAttributes().getValue("Bundle-Version");
            return Optional.of(new Identity(
                    bsn.split(";")[0].strip(),
                    version == null ? Version.emptyVersion : Version.parseVersion(version.strip())));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
