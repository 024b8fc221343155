package org.gunyah.vmm.function.irqfd;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.DoorbellResource;
import org.gunyah.vmm.spi.Resource;
import org.gunyah.vmm.spi.ResourceTicket;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VmContext.Registration;

/**
 * One irqfd: a BELL_TX ticket and a subscription to its eventfd. Each signal drains the counter
 * (as KVM's irqfd does, so the eventfd can be polled again) and rings the doorbell; without a
 * doorbell yet, the signal is latched and rung when one is populated. Where the platform can bind
 * the eventfd to the doorbell itself (KVM_IRQFD), the doorbell is rung without us while it is
 * held, and the subscription is back whenever it is not.
 *
 * <p>With a resample eventfd (level only), each guest acknowledgement of the interrupt signals it:
 * the platform does so itself along with its binding (KVM_IRQFD's resamplefd), or, on our
 * subscription path, tells us through {@link DoorbellResource#onAcknowledge} and we signal it.
 */
final class Irqfd implements ResourceTicket {
    private static final Logger LOG = System.getLogger(Irqfd.class.getName());

    private final int label;
    private final boolean level;
    private final EventFd eventFd;
    private final Optional<EventFd> resample;
    private DoorbellResource doorbell;
    private boolean latched;
    private boolean listening;
    private EventFd.Subscription subscription;
    private Registration fastPath;
    /** The platform's word of each acknowledgement, held with the subscription path when resampling. */
    private Registration acknowledgements;
    /** The platform could not tell of acknowledgements: said once. */
    private boolean warnedNoResample;

    Irqfd(int label, boolean level, EventFd eventFd) {
        this(label, level, eventFd, Optional.empty());
    }

    /** {@code resample}: signalled after each guest acknowledgement; level only. */
    Irqfd(int label, boolean level, EventFd eventFd, Optional<EventFd> resample) {
        if (resample.isPresent() && !level) {
            throw new IllegalArgumentException("irqfd " + label + ": a resample eventfd needs level mode");
        }
        this.label = label;
        this.level = level;
        this.eventFd = eventFd;
        this.resample = resample;
    }

    /**
     * Starts delivering. The doorbell may be here already (the ticket was added to a running VM,
     * which populates it at once): then the platform is asked to take the eventfd now.
     */
    void listen() {
        DoorbellResource bell;
        synchronized (this) {
            listening = true;
            bell = doorbell;
        }
        subscribe();
        if (bell != null) {
            bindFastPath(bell);
        }
    }

    void stopListening() {
        EventFd.Subscription s;
        Registration fast;
        Registration acks;
        synchronized (this) {
            listening = false;
            s = subscription;
            subscription = null;
            fast = fastPath;
            fastPath = null;
            acks = acknowledgements;
            acknowledgements = null;
        }
        if (s != null) {
            s.close();
        }
        closeAll(fast, acks);
    }

    private static void closeAll(Registration... registrations) {
        for (Registration r : registrations) {
            if (r != null) {
                r.close();
            }
        }
    }

    private void subscribe() {
        EventFd.Subscription s = eventFd.subscribe(this::signalled);
        boolean keep;
        synchronized (this) {
            keep = listening && subscription == null && fastPath == null;
            if (keep) {
                subscription = s;
            }
        }
        if (!keep) {
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
        boolean bindNow;
        synchronized (this) {
            if (doorbell != null) {
                LOG.log(
                        Level.WARNING,
                        "irqfd {0}: already has a doorbell; another with the same label is left unclaimed",
                        label);
                return false;
            }
            doorbell = bell;
            bindNow = listening; // else listen() binds it
        }
        if (level) {
            try {
                bell.setMask(1, 1);
            } catch (GunyahException e) {
                LOG.log(
                        Level.WARNING,
                        "irqfd {0}: could not make the doorbell level-triggered: {1}",
                        label,
                        e.getMessage());
            }
        }
        if (bindNow) {
            bindFastPath(bell);
        }
        boolean deliver;
        synchronized (this) {
            deliver = latched;
            latched = false;
        }
        if (deliver) {
            ring(bell);
        }
        return true;
    }

    /**
     * Hands the eventfd to the platform. Our subscription goes first (waiting out a call in
     * progress), so that no signal is delivered by both: a signal that comes between is left in
     * the counter, where KVM_IRQFD finds it when bound (KVM injects a pending count at assign).
     * If the platform declines, the subscription comes back and delivers what came meanwhile.
     */
    private void bindFastPath(DoorbellResource bell) {
        EventFd.Subscription s;
        synchronized (this) {
            if (!listening || doorbell != bell || fastPath != null) {
                return;
            }
            s = subscription;
            subscription = null;
        }
        if (s != null) {
            s.close();
        }
        Optional<Registration> bound = Optional.empty();
        try {
            bound = bell.bindEventFd(eventFd, level, resample);
        } catch (GunyahException e) {
            LOG.log(Level.DEBUG, "irqfd {0}: no fast path: {1}", label, e.getMessage());
        }
        boolean taken = false;
        if (bound.isPresent()) {
            synchronized (this) {
                taken = listening && doorbell == bell && fastPath == null;
                if (taken) {
                    fastPath = bound.get();
                }
            }
            if (!taken) {
                bound.get().close();
            }
        }
        if (!taken) {
            subscribe();
            if (resample.isPresent()) {
                hearAcknowledgements(bell, resample.get());
            }
        }
    }

    /**
     * The subscription path's resample: the platform tells of each acknowledgement and we signal
     * the resample eventfd (never blocking, as the platform's listener must not). A platform that
     * cannot tell leaves the device with its signals only, which is said once.
     */
    private void hearAcknowledgements(DoorbellResource bell, EventFd resampleFd) {
        Optional<Registration> acks = Optional.empty();
        try {
            acks = bell.onAcknowledge(() -> resampleFd.signal(1));
        } catch (GunyahException e) {
            LOG.log(Level.DEBUG, "irqfd {0}: no acknowledgements: {1}", label, e.getMessage());
        }
        boolean kept = false;
        boolean warn = false;
        synchronized (this) {
            if (acks.isPresent()) {
                kept = listening && doorbell == bell && fastPath == null && acknowledgements == null;
                if (kept) {
                    acknowledgements = acks.get();
                }
            } else {
                warn = !warnedNoResample;
                warnedNoResample = true;
            }
        }
        if (acks.isPresent() && !kept) {
            acks.get().close();
        }
        if (warn) {
            LOG.log(
                    Level.WARNING,
                    "irqfd {0}: the platform tells of no guest acknowledgement for this doorbell; its resample"
                            + " eventfd will not be signalled",
                    label);
        }
    }

    @Override
    public void unpopulate(Resource resource) {
        Registration fast;
        Registration acks;
        boolean resubscribe;
        synchronized (this) {
            if (resource != doorbell) {
                return;
            }
            doorbell = null;
            fast = fastPath;
            fastPath = null;
            acks = acknowledgements;
            acknowledgements = null;
            resubscribe = fast != null && listening;
        }
        closeAll(fast, acks);
        if (resubscribe) {
            subscribe(); // signals are latched again until the next doorbell
        }
    }
}
