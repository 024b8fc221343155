/**
 * Gogo scripts with the rules of {@code bin/gunyah -c}: how a script splits into statements, how
 * each result prints and how the first failure ends it with its one-line message. The command line
 * and the remote consoles share them, so that a script behaves the same wherever it is typed.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.gunyah.vmm.shell.script;
