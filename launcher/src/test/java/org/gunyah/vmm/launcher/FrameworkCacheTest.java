package org.gunyah.vmm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameworkCacheTest {
    @TempDir
    Path home;

    private final Map<String, String> config = new HashMap<>(Map.of(
            "felix.auto.deploy.action", "install,start",
            "org.osgi.framework.storage.clean", "none",
            "org.osgi.service.http.port", "8080",
            "felix.fileinstall.poll", "10"));

    @BeforeEach
    void runtime() throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/felix.jar"), "felix");
        Files.createDirectories(home.resolve("system/console"));
        Files.createDirectories(home.resolve("functions"));
        Files.writeString(home.resolve("system/a.jar"), "bundle a");
        Files.writeString(home.resolve("system/b.jar"), "bundle b");
    }

    /** A start that got as far as installing the system bundles. */
    private void startOnce() throws IOException {
        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            cache.filled();
        }
    }

    @Test
    void aStartAfterAFilledCacheReusesItInTheRuntimeFolder() throws IOException {
        startOnce();

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertTrue(cache.reused());
            assertEquals(home.resolve("cache/felix"), cache.storage());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("cache"))));
    }

    @Test
    void aBundleAddedToSystemGivesAFreshCache() throws IOException {
        startOnce();
        Files.writeString(home.resolve("system/c.jar"), "bundle c");

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertFalse(cache.reused());
        }
    }

    @Test
    void aBundleChangedInSystemGivesAFreshCache() throws IOException {
        startOnce();
        Files.writeString(home.resolve("system/a.jar"), "bundle a, version 2");

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertFalse(cache.reused());
        }
    }

    @Test
    void aBundleRemovedFromSystemGivesAFreshCache() throws IOException {
        startOnce();
        Files.delete(home.resolve("system/b.jar"));

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertFalse(cache.reused());
        }
    }

    @Test
    void aBundleAddedToTheWebConsolesFolderGivesAFreshCache() throws IOException {
        Files.createDirectories(home.resolve("system/web"));
        startOnce();
        Files.writeString(home.resolve("system/web/jetty.jar"), "jetty");

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertFalse(cache.reused());
        }
    }

    @Test
    void aBundleChangedInTheRemoteConsolesFolderGivesAFreshCache() throws IOException {
        Files.createDirectories(home.resolve("system/remote"));
        Files.writeString(home.resolve("system/remote/sshd.jar"), "sshd");
        startOnce();
        Files.writeString(home.resolve("system/remote/sshd.jar"), "sshd, next version");

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertFalse(cache.reused());
        }
    }

    @Test
    void theBeginningStartLevelOfTheConsoleOrAScriptKeepsTheCache() throws IOException {
        config.put("org.osgi.framework.startlevel.beginning", "1");
        startOnce();
        config.put("org.osgi.framework.startlevel.beginning", "2");

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertTrue(cache.reused());
        }
    }

    @Test
    void aChangedFrameworkJarGivesAFreshCache() throws IOException {
        startOnce();
        Files.writeString(home.resolve("bin/felix.jar"), "felix, next version");

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertFalse(cache.reused());
        }
    }

    @Test
    void aChangedFrameworkSettingGivesAFreshCache() throws IOException {
        startOnce();
        config.put("felix.auto.deploy.action", "install");

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertFalse(cache.reused());
        }
    }

    @Test
    void settingsThatBundlesReadAtEachStartKeepTheCache() throws IOException {
        startOnce();
        config.put("org.osgi.service.http.port", "8181");
        config.put("felix.fileinstall.poll", "50");

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertTrue(cache.reused());
        }
    }

    @Test
    void bundlesInFunctionsAndTheConsoleFolderKeepTheCache() throws IOException {
        startOnce();
        Files.writeString(home.resolve("functions/f.jar"), "function f");
        Files.writeString(home.resolve("system/console/shell.jar"), "shell");

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertTrue(cache.reused());
        }
    }

    @Test
    void aCacheWhoseFillingDidNotEndIsEmptiedAtTheNextStart() throws IOException {
        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            Files.createDirectories(cache.storage().resolve("bundle1"));
        }

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertFalse(cache.reused());
            assertFalse(Files.exists(cache.storage().resolve("bundle1")));
        }
    }

    @Test
    void aReusedCacheKeepsTheBundlesButNotTheirDataAreas() throws IOException {
        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            Files.createDirectories(cache.storage().resolve("bundle3/data"));
            Files.writeString(cache.storage().resolve("bundle3/bundle.info"), "3");
            Files.writeString(cache.storage().resolve("bundle3/data/config"), "a configuration");
            cache.filled();
        }

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertTrue(cache.reused());
            assertTrue(Files.exists(cache.storage().resolve("bundle3/bundle.info")));
            assertFalse(Files.exists(cache.storage().resolve("bundle3/data")));
        }
    }

    @Test
    void aSecondRuntimeOnTheFolderGetsATemporaryCacheOfItsOwn() throws IOException {
        startOnce();
        try (FrameworkCache first = FrameworkCache.open(home, config)) {
            Path second;
            try (FrameworkCache other = FrameworkCache.open(home, config)) {
                second = other.storage();
                assertFalse(other.reused());
                assertNotEquals(first.storage(), second);
                assertFalse(second.startsWith(home));
            }
            assertFalse(Files.exists(second), "a temporary cache goes with its runtime");
            assertTrue(first.reused());
        }
    }

    @Test
    void onFirstInitGivesAFreshTemporaryCacheAtEveryStart() throws IOException {
        startOnce();
        config.put("org.osgi.framework.storage.clean", "onFirstInit");

        try (FrameworkCache cache = FrameworkCache.open(home, config)) {
            assertFalse(cache.reused());
            assertFalse(cache.storage().startsWith(home));
        }
    }

    @Test
    void onlyTheJarsOfSystemAndItsLaterFoldersAreKept() {
        assertTrue(
                FrameworkCache.kept(home, home.resolve("system/a.jar").toUri().toString()));
        assertTrue(FrameworkCache.kept(
                home, home.resolve("system/web/jetty.jar").toUri().toString()));
        assertTrue(FrameworkCache.kept(
                home, home.resolve("system/remote/sshd.jar").toUri().toString()));
        assertFalse(FrameworkCache.kept(
                home, home.resolve("system/console/shell.jar").toUri().toString()));
        assertFalse(FrameworkCache.kept(
                home, home.resolve("functions/f.jar").toUri().toString()));
        assertFalse(
                FrameworkCache.kept(home, home.resolve("deploy/d.jar").toUri().toString()));
        assertFalse(FrameworkCache.kept(home, "mvn:org.example/x/1.0"));
    }
}
