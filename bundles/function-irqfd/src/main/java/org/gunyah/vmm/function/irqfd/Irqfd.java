package org.gunyah.vmm.function.irqfd;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;

import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.DoorbellResource;
import org.gunyah.vmm.spi.Resource;
import org.gunyah.vmm.spi.ResourceTicket;
import org.gunyah.vmm.spi.ResourceType;

/**
 * One irqfd: a BELL_TX ticket and a subscription to its eventfd. Each signal drains the counter
 * (as KVM's irqfd does, so the eventfd can be polled again) and rings the doorbell; without a
 * doorbell yet, the signal is latched and rung when one is populated.
 */
final class Irqfd implements ResourceTicket {
    private static final Logger LOG = System.getLogger(Irqfd.class.getName());

    private final int label;
    private final boolean level;
    private final EventFd eventFd;
    private DoorbellResource doorbell;
    private boolean latched;
    private EventFd.Subscription subscription;

    Irqfd(int label, boolean level, EventFd eventFd) {
        this.label = label;
        this.level = level;
        this.eventFd = eventFd;
    }

    void listen() {
        EventFd.Subscription s = eventFd.subscribe(this::signalled);
        synchronized (this) {
            subscription = s;
        }
    }

    void stopListening() {
        EventFd.Subscription s;
        synchronized (this) {
            s = subscription;
            subscription = null;
        }
        if (s != null) {
            s.close();
        }
    }

    @Override
    public ResourceType resourceType() {
        return ResourceType.BELL_TX;
    }

    @Override
    public int label() {
        return label;
    }

    private void signalled() {
        try {
            if (eventFd.read(Duration.ZERO).isEmpty()) {
                return; // an earlier call drained this signal and rang for it
            }
        } catch (GunyahException e) {
            return; // closed under us: nothing more to deliver
        }
        DoorbellResource bell;
        synchronized (this) {
            bell = doorbell;
            if (bell == null) {
                latched = true;
                return;
            }
        }
        ring(bell);
    }

    private void ring(DoorbellResource bell) {
        try {
            bell.send(1);
        } catch (GunyahException e) {
            LOG.log(Level.DEBUG, "irqfd {0}: interrupt not delivered: {1}", label, e.getMessage());
        }
    }

    @Override
    public boolean populate(Resource resource) {
        if (!(resource instanceof DoorbellResource bell)) {
            return false;
        }
        boolean deliver;
        synchronized (this) {
            if (doorbell != null) {
                LOG.log(Level.WARNING, "irqfd {0}: already has a doorbell; another with the same label is left unclaimed", label);
                return false;
            }
            doorbell = bell;
            deliver = latched;
            latched = false;
        }
        if (level) {
            try {
                bell.setMask(1, 1);
            } catch (GunyahException e) {
                LOG.log(Level.WARNING, "irqfd {0}: could not make the doorbell level-triggered: {1}", label, e.getMessage());
            }
        }
        if (deliver) {
            ring(bell);
        }
        return true;
    }

    @Override
    public synchronized void unpopulate(Resource resource) {
        if (resource == doorbell) {
            doorbell = null;
        }
    }
}
