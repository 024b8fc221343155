package org.gunyah.vmm.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.internal.manager.FrameworkSettings;
import org.junit.jupiter.api.Test;

/** How the configuration, framework properties and the defaults make the framework's settings. */
class SettingsReaderTest {

    @Test
    void withNothingSetTheSettingsAreTheDefaults() {
        assertEquals(FrameworkSettings.DEFAULTS, SettingsReader.read(config(Map.of()), key -> null));
    }

    @Test
    void frameworkPropertiesChangeTheDefaults() {
        Map<String, String> properties = Map.of(
                "gunyah.functions.dir",
                "/opt/gunyah/functions",
                "gunyah.functions.watched",
                "true",
                "gunyah.functions.load.timeout",
                "250",
                "gunyah.rm.timeout",
                "100",
                "gunyah.call.timeout",
                "50");
        FrameworkSettings s = SettingsReader.read(config(Map.of()), properties::get);
        assertEquals(
                new FrameworkSettings(
                        Optional.of(Path.of("/opt/gunyah/functions")),
                        true,
                        Duration.ofMillis(250),
                        Duration.ofMillis(100),
                        Duration.ofMillis(50)),
                s);
    }

    @Test
    void aConfiguredValueWinsOverTheFrameworkProperty() {
        Map<String, String> properties =
                Map.of("gunyah.functions.dir", "/from/framework", "gunyah.functions.load.timeout", "250");
        FrameworkSettings s = SettingsReader.read(
                config(Map.of("functions_dir", "/from/config", "functions_load_timeout", 900L)), properties::get);
        assertEquals(Optional.of(Path.of("/from/config")), s.functionsDir());
        assertEquals(Duration.ofMillis(900), s.loadTimeout());
    }

    @Test
    void aMalformedFrameworkPropertyKeepsTheDefault() {
        Map<String, String> properties =
                Map.of("gunyah.functions.load.timeout", "soon", "gunyah.functions.watched", "yes");
        assertEquals(FrameworkSettings.DEFAULTS, SettingsReader.read(config(Map.of()), properties::get));
    }

    @Test
    void aNegativeTimeoutKeepsTheDefault() {
        FrameworkSettings s =
                SettingsReader.read(config(Map.of("rm_timeout", -1L)), Map.of("gunyah.call.timeout", "-5")::get);
        assertEquals(FrameworkSettings.DEFAULTS, s);
    }

    @Test
    void aRelativeFolderIsTakenFromTheWorkingDirectory() {
        FrameworkSettings s = SettingsReader.read(config(Map.of("functions_dir", "functions")), key -> null);
        assertEquals(Optional.of(Path.of("functions").toAbsolutePath()), s.functionsDir());
    }

    /** The configuration as SCR hands it over: the values set, else the annotation's defaults. */
    private static FrameworkConfiguration config(Map<String, Object> set) {
        return (FrameworkConfiguration) Proxy.newProxyInstance(
                FrameworkConfiguration.class.getClassLoader(),
                new Class<?>[] {FrameworkConfiguration.class},
                (self, method, args) ->
                        set.containsKey(method.getName()) ? set.get(method.getName()) : method.getDefaultValue());
    }
}
