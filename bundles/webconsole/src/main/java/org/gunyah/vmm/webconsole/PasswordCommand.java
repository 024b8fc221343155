package org.gunyah.vmm.webconsole;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import org.apache.felix.service.command.Descriptor;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code gunyah:webconsole-password <password> [<user>]}: stores the Web Console's user and a
 * salted hash of the password (never the clear text) in {@code conf/org.gunyah.vmm.webconsole.cfg},
 * which FileInstall hands to Configuration Admin; the console serves from then on.
 */
@Component(
        service = PasswordCommand.class,
        property = {"osgi.command.scope=gunyah", "osgi.command.function=webconsole-password"})
public final class PasswordCommand {
    static final int MIN_LENGTH = 8;
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final BundleContext context;

    @Activate
    public PasswordCommand(BundleContext context) {
        this.context = context;
    }

    /** Gogo cannot map the hyphenated name to a method: every call arrives here. */
    @Descriptor("set the Web Console's password (stored as a salted hash): webconsole-password <password> [<user>]")
    public String _main(String command, String... args) throws GunyahException {
        if (args.length < 1 || args.length > 2 || args[0].equals("--help")) {
            return "usage: gunyah:webconsole-password <password> [<user, default admin>]\n"
                    + "  stores a salted PBKDF2 hash in conf/" + PasswordSecurityProvider.PID
                    + ".cfg; the Web Console serves once it is set";
        }
        String user = args.length == 2 ? args[1] : "admin";
        Path file = write(home(), args[0], user);
        String port = context.getProperty("org.osgi.service.http.port");
        return "Web Console password set for " + user + " in " + file.getFileName() + "; it serves at http://" + host()
                + ":" + (port == null ? "8080" : port) + "/system/console/" + GunyahPlugin.LABEL;
    }

    private String host() {
        String host = context.getProperty("org.apache.felix.http.host");
        return host == null ? "localhost" : host;
    }

    private Path home() throws GunyahException {
        String home = context.getProperty("gunyah.home");
        if (home == null) {
            throw GunyahException.of(Errno.ENOENT, "gunyah.home is not set: no conf/ folder to write the password to");
        }
        return Path.of(home);
    }

    /** Writes the configuration file whole (atomically), so that FileInstall never reads half of it. */
    static Path write(Path home, String password, String user) throws GunyahException {
        if (password.length() < MIN_LENGTH) {
            throw GunyahException.of(Errno.EINVAL, "the password needs at least %d characters", MIN_LENGTH);
        }
        if (!USER.matcher(user).matches()) {
            throw GunyahException.of(Errno.EINVAL, "user '%s' must be 1 to 64 letters, digits, '.', '_' or '-'", user);
        }
        String text = "# Written by gunyah:webconsole-password: the Web Console's user and a salted PBKDF2 hash of its"
                + " password.\n"
                + "user=" + user + "\n"
                + "password="
                + PasswordHash.create(password.toCharArray()).encode() + "\n";
        Path conf = home.resolve("conf");
        Path file = conf.resolve(PasswordSecurityProvider.PID + ".cfg");
        try {
            Files.createDirectories(conf);
            Path partial = conf.resolve("." + file.getFileName() + ".part");
            Files.writeString(partial, text, StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw GunyahException.of(Errno.EIO, "cannot write %s: %s", file, e.getMessage());
        }
    }
}
