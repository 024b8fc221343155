package org.gunyah.vmm.remoteconsole;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The SSH console (Apache SSHD): a Gogo session per shell channel, a script per exec channel ({@code
 * ssh -p 8101 localhost gunyah:vms}, with the exit status of {@code -c}). Public keys only, those of
 * {@code conf/authorized_keys}: no password, keyboard-interactive, GSS or host-based login. It listens
 * on 127.0.0.1 by default, and not at all while the keys file holds no key (it is looked at when the
 * runtime starts; keys added or removed later count at the next login). The host key is made on first
 * use and kept in {@code data/ssh_host_key}.
 */
@Component(immediate = true)
public final class SshConsole {
    private static final Logger LOG = System.getLogger(SshConsole.class.getName());

    private final SshServer server;

    @Activate
    public SshConsole(@Reference CommandProcessor processor, BundleContext context) {
        server = start(processor, Settings.of(context::getProperty));
    }

    /** The started server, or null when it is off (no runtime folder, no key) or cannot listen. */
    static SshServer start(CommandProcessor processor, Settings settings) {
        if (settings == null) {
            return null;
        }
        if (settings.sshPort() == Settings.INVALID_PORT) {
            LOG.log(Level.ERROR, "SSH console off: {0} is not a port (0 to 65535)", Settings.SSH_PORT);
            return null;
        }
        try {
            if (AuthorizedKeys.read(settings.authorizedKeys()).isEmpty()) {
                LOG.log(Level.INFO, "SSH console off: no public key in {0}", settings.authorizedKeys());
                return null;
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.log(Level.WARNING, "SSH console off: cannot read {0}: {1}", settings.authorizedKeys(), e.toString());
            return null;
        }
        Thread thread = Thread.currentThread();
        ClassLoader loader = thread.getContextClassLoader();
        // SSHD looks some of its parts up through the context class loader: its own bundle's.
        thread.setContextClassLoader(SshServer.class.getClassLoader());
        SshServer server = SshServer.setUpDefaultServer();
        try {
            server.setIoServiceFactoryFactory(new Nio2ServiceFactoryFactory());
            server.setHost(settings.sshHost());
            server.setPort(settings.sshPort());
            Files.createDirectories(
                    settings.hostKey().getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            SimpleGeneratorHostKeyProvider hostKey = new SimpleGeneratorHostKeyProvider(settings.hostKey());
            hostKey.setAlgorithm(KeyUtils.EC_ALGORITHM);
            server.setKeyPairProvider(hostKey);
            server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
            server.setPublickeyAuthenticator(new AuthorizedKeys(settings.authorizedKeys()));
            server.setPasswordAuthenticator(null);
            server.setKeyboardInteractiveAuthenticator(null);
            server.setGSSAuthenticator(null);
            server.setHostBasedAuthenticator(null);
            server.setShellFactory(channel -> new SshGogoCommand(processor, null));
            server.setCommandFactory((channel, command) -> new SshGogoCommand(processor, command));
            server.start();
            LOG.log(Level.INFO, "SSH console listening on {0}:{1,number,#}", settings.sshHost(), server.getPort());
            return server;
        } catch (IOException | RuntimeException e) {
            LOG.log(
                    Level.ERROR,
                    "SSH console off: cannot listen on {0}:{1,number,#}: {2}",
                    settings.sshHost(),
                    settings.sshPort(),
                    e.toString());
            try {
                server.stop(true);
            } catch (IOException ignored) {
                // not started
            }
            return null;
        } finally {
            thread.setContextClassLoader(loader);
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            try {
                server.stop(true);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "SSH console: stopping: {0}", e.toString());
            }
        }
    }
}
