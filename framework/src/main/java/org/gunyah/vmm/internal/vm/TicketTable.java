package org.gunyah.vmm.internal.vm;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.Resource;
import org.gunyah.vmm.spi.ResourceTicket;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.hypervisor.HypervisorResource;

/**
 * A VM's resource tickets and the resources nobody has claimed (the kernel's resource_tickets
 * and resources lists under resources_lock), under this object's monitor. populate and unpopulate
 * run under it, as in the kernel, so they must not call back into the ticket API.
 */
final class TicketTable {
    private static final Logger LOG = System.getLogger(TicketTable.class.getName());

    private record Key(ResourceType type, int label) {}

    /** A ticket, its owner and the grants it holds. */
    private static final class Claim {
        final ResourceTicket ticket;
        final Object owner;
        final List<Grants> held = new ArrayList<>();

        Claim(ResourceTicket ticket, Object owner) {
            this.ticket = ticket;
            this.owner = owner;
        }
    }

    private final Map<Key, Claim> claims = new LinkedHashMap<>();
    private final List<HypervisorResource> unclaimed = new ArrayList<>();

    /** EEXIST when (type, label) is taken; otherwise links it and offers unclaimed matches. */
    void add(ResourceTicket ticket, Object owner) throws GunyahException {
        Key key = new Key(ticket.resourceType(), ticket.label());
        synchronized (this) {
            Claim existing = claims.get(key);
            if (existing != null) {
                throw GunyahException.of(
                        Errno.EEXIST,
                        "a %s ticket with label %d already exists on this VM",
                        key.type(),
                        Integer.toUnsignedLong(key.label()));
            }
            Claim claim = new Claim(ticket, owner);
            claims.put(key, claim);
            for (HypervisorResource r : List.copyOf(unclaimed)) {
                if (r.type() == key.type() && r.label() == key.label() && offer(claim, r)) {
                    unclaimed.remove(r);
                }
            }
        }
    }

    /** Unpopulates what the ticket holds and returns it to the VM. False if it was not added. */
    boolean remove(ResourceTicket ticket) {
        Key key = new Key(ticket.resourceType(), ticket.label());
        synchronized (this) {
            Claim claim = claims.get(key);
            if (claim == null || claim.ticket != ticket) {
                return false;
            }
            giveBack(claim);
            claims.remove(key);
            return true;
        }
    }

    /** Hands the resources of a starting VM to their tickets; the rest wait unclaimed. */
    void offerAll(List<HypervisorResource> resources) {
        synchronized (this) {
            for (HypervisorResource r : resources) {
                Claim claim = claims.get(new Key(r.type(), r.label()));
                if (claim == null || !offer(claim, r)) {
                    unclaimed.add(r);
                }
            }
        }
    }

    /** Takes every resource back from the tickets and forgets them all (VM reset or failed start). */
    void revokeAll() {
        synchronized (this) {
            claims.values().forEach(this::giveBack);
            unclaimed.clear();
        }
    }

    /** The tickets {@code owner} still holds. */
    List<ResourceTicket> ticketsOf(Object owner) {
        synchronized (this) {
            return claims.values().stream()
                    .filter(c -> c.owner == owner)
                    .map(c -> c.ticket)
                    .toList();
        }
    }

    List<ResourceTicket> tickets() {
        synchronized (this) {
            return claims.values().stream().map(c -> c.ticket).toList();
        }
    }

    int unclaimedCount() {
        synchronized (this) {
            return unclaimed.size();
        }
    }

    private boolean offer(Claim claim, HypervisorResource raw) {
        Resource grant = Grants.grant(raw);
        boolean taken;
        try {
            taken = claim.ticket.populate(grant);
        } catch (RuntimeException e) {
            LOG.log(
                    Level.ERROR,
                    "populate of " + claim.ticket + " with " + grant + " failed; resource left unclaimed",
                    e);
            taken = false;
        }
        if (taken) {
            claim.held.add((Grants) grant);
        } else {
            ((Grants) grant).revoke();
        }
        return taken;
    }

    private void giveBack(Claim claim) {
        for (Grants g : claim.held) {
            try {
                claim.ticket.unpopulate((Resource) g);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "unpopulate of " + claim.ticket + " failed", e);
            }
            g.revoke();
            unclaimed.add(g.raw());
        }
        claim.held.clear();
    }
}
