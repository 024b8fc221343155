package org.gunyah.vmm.internal.osgi;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.gunyah.vmm.internal.manager.FrameworkSettings;

/**
 * Turns the configuration into {@link FrameworkSettings}. A framework property of a key's name
 * (the runtime's {@code conf/config.properties}, {@code -D}, a test's launcher) changes that key's
 * default; a value Configuration Admin sets wins over both. (The component's description carries
 * the defaults, so a key configured to exactly its built-in default looks unset and the framework
 * property applies.) A malformed or negative value is refused with a warning and the default used.
 */
final class SettingsReader {
    private static final Logger LOG = System.getLogger(SettingsReader.class.getName());
    static final String FUNCTIONS_DIR = FrameworkConfiguration.PREFIX_ + "functions.dir";
    static final String FUNCTIONS_WATCHED = FrameworkConfiguration.PREFIX_ + "functions.watched";
    static final String LOAD_TIMEOUT = FrameworkConfiguration.PREFIX_ + "functions.load.timeout";
    static final String RM_TIMEOUT = FrameworkConfiguration.PREFIX_ + "rm.timeout";
    static final String CALL_TIMEOUT = FrameworkConfiguration.PREFIX_ + "call.timeout";

    private final UnaryOperator<String> frameworkProperty;

    private SettingsReader(UnaryOperator<String> frameworkProperty) {
        this.frameworkProperty = frameworkProperty;
    }

    static FrameworkSettings read(FrameworkConfiguration config, UnaryOperator<String> frameworkProperty) {
        SettingsReader r = new SettingsReader(frameworkProperty);
        FrameworkSettings defaults = FrameworkSettings.DEFAULTS;
        String dir = r.value(FUNCTIONS_DIR, config.functions_dir(), "", s -> s);
        return new FrameworkSettings(
                dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir.strip())),
                r.value(
                        FUNCTIONS_WATCHED,
                        config.functions_watched(),
                        defaults.functionsWatched(),
                        SettingsReader::parseBoolean),
                r.millis(LOAD_TIMEOUT, config.functions_load_timeout(), defaults.loadTimeout()),
                r.millis(RM_TIMEOUT, config.rm_timeout(), defaults.rmTimeout()),
                r.millis(CALL_TIMEOUT, config.call_timeout(), defaults.callTimeout()));
    }

    /** The configured value when it is not the default; else the framework property, parsed; else the default. */
    private <T> T value(String key, T configured, T builtIn, Function<String, T> parse) {
        if (!configured.equals(builtIn)) {
            return configured;
        }
        String property = frameworkProperty.apply(key);
        if (property == null || property.isBlank()) {
            return builtIn;
        }
        try {
            return parse.apply(property.strip());
        } catch (IllegalArgumentException e) {
            LOG.log(
                    Level.WARNING,
                    "framework property {0}={1} is malformed ({2}); using {3}",
                    key,
                    property,
                    e.getMessage(),
                    String.valueOf(builtIn));
            return builtIn;
        }
    }

    private Duration millis(String key, long configured, Duration fallback) {
        long ms = value(key, configured, fallback.toMillis(), Long::parseLong);
        if (ms < 0) {
            LOG.log(
                    Level.WARNING,
                    "{0}={1} is negative; using {2} ms",
                    key,
                    String.valueOf(ms),
                    String.valueOf(fallback.toMillis()));
            return fallback;
        }
        return Duration.ofMillis(ms);
    }

    private static boolean parseBoolean(String s) {
        if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("not true or false");
        }
        return Boolean.parseBoolean(s);
    }
}
