package org.gunyah.vmm.remoteconsole;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * The SSH console's only way in: a public key listed in the keys file (OpenSSH's authorized_keys
 * format; options and comments are ignored, any user name is accepted: the key is the credential).
 * The file is read at each login, so a key removed from it is refused from then on.
 */
final class AuthorizedKeys implements PublickeyAuthenticator {
    private static final Logger LOG = System.getLogger(AuthorizedKeys.class.getName());

    private final Path file;

    AuthorizedKeys(Path file) {
        this.file = file;
    }

    /** The keys of the file; none when it is missing or empty. Lines in an unknown format are skipped. */
    static List<PublicKey> read(Path file) throws IOException, GeneralSecurityException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<AuthorizedKeyEntry> entries = AuthorizedKeyEntry.readAuthorizedKeys(file);
        return PublicKeyEntry.resolvePublicKeyEntries(null, entries, PublicKeyEntryResolver.IGNORING);
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        try {
            boolean known = read(file).stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
            if (!known) {
                LOG.log(
                        Level.INFO,
                        "SSH console: refused an unknown {0} key for {1} from {2}",
                        key.getAlgorithm(),
                        username,
                        session.getClientAddress());
            }
            return known;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.log(Level.WARNING, "SSH console: cannot read {0}: {1}", file, e.toString());
            return false;
        }
    }
}
