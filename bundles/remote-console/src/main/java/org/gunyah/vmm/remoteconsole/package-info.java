/**
 * The runtime's remote consoles, each a Gogo session made by the {@code CommandProcessor}.
 *
 * <p>{@link org.gunyah.vmm.remoteconsole.SocketConsole}: a Unix domain socket in the runtime folder
 * ({@code data/gunyah.sock}, in a folder only the runtime's user can enter, the socket itself
 * {@code rw-------}), bound once the framework has started and removed when the bundle stops; {@code
 * bin/gunyah client} talks to it. No TCP: whoever can open the file is the runtime's user.
 *
 * <p>{@link org.gunyah.vmm.remoteconsole.SshConsole}: an SSH server (Apache SSHD) on 127.0.0.1 that
 * accepts public keys only, those of {@code conf/authorized_keys}; without a key there it does not
 * listen at all.
 *
 * <p>Both run scripts with the rules of {@code bin/gunyah -c} ({@link
 * org.gunyah.vmm.shell.script.GogoScript}, the shell bundle's, which {@code -c} uses too: each result printed, the first failure ends the script with
 * its one-line message and status 1) and interactive sessions line by line ({@link
 * org.gunyah.vmm.remoteconsole.LineShell}).
 */
package org.gunyah.vmm.remoteconsole;
