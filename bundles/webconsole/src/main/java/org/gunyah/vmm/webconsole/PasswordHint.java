package org.gunyah.vmm.webconsole;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Tells the person at the console how to open the Web Console when no password is set: a few
 * seconds after start (Configuration Admin gets conf/ from FileInstall just after boot), if our
 * security provider has not appeared, one line. Scripts ({@code bin/gunyah -c}, the demo) do not
 * get it.
 */
@Component(immediate = true)
public final class PasswordHint {
    private static final long GRACE_MS = 3_000;
    private final Thread waiter;

    @Activate
    public PasswordHint(BundleContext context) throws InvalidSyntaxException {
        ServiceTracker<SecurityProvider, SecurityProvider> tracker = new ServiceTracker<>(
                context,
                FrameworkUtil.createFilter("(&(objectClass=" + SecurityProvider.class.getName() + ")("
                        + SecurityProvider.PROPERTY_ID + "=" + PasswordSecurityProvider.ID + "))"),
                null);
        boolean console = context.getProperty("gunyah.script") == null;
        waiter = Thread.ofPlatform().daemon().name("gunyah-webconsole-hint").unstarted(() -> {
            try {
                tracker.open();
            } catch (IllegalStateException e) {
                return; // the bundle stopped before this thread ran (the runtime stopping as it starts)
            }
            try {
                if (tracker.waitForService(GRACE_MS) == null && console) {
                    ConsoleLine.print("Web Console: no password is set, so it serves nothing. Set one with"
                            + " gunyah:webconsole-password <password> (stored as a salted hash in conf/"
                            + PasswordSecurityProvider.PID + ".cfg).");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                tracker.close();
            }
        });
        waiter.start();
    }

    @Deactivate
    void deactivate() {
        waiter.interrupt();
    }
}
