package org.gunyah.vmm.internal.osgi;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * The function repository folder (framework property {@value #DIR}): the module files that depmod
 * would index. Its bundles are installed at boot and left unstarted, so their {@code gunyah.function}
 * capabilities are known and the loader can start one when its type is first asked for.
 */
final class FunctionRepository {
    static final String DIR = "gunyah.functions.dir";
    private static final Logger LOG = System.getLogger(FunctionRepository.class.getName());

    private FunctionRepository() {
    }

    /** Installs (without starting) every jar in the folder not installed yet; returns them. */
    static List<Bundle> installAll(BundleContext context) {
        String dir = context.getProperty(DIR);
        List<Bundle> installed = new ArrayList<>();
        if (dir == null || dir.isBlank()) {
            return installed;
        }
        Path folder = Path.of(dir);
        if (!Files.isDirectory(folder)) {
            LOG.log(Level.WARNING, "function repository {0} is not a folder; no function bundles installed from it", folder);
            return installed;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(folder, "*.jar")) {
            for (Path jar : jars) {
                String location = jar.toAbsolutePath().toUri().toString();
                if (context.getBundle(location) != null) {
                    continue;
                }
                try {
                    installed.add(context.installBundle(location));
                } catch (BundleException e) {
                    LOG.log(Level.ERROR, "function repository: cannot install " + jar + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(Level.ERROR, "function repository " + folder + " cannot be read: " + e.getMessage());
        }
        return installed;
    }
}
