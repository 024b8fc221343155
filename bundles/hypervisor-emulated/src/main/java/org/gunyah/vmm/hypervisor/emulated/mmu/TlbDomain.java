package org.gunyah.vmm.hypervisor.emulated.mmu;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The TLBs of one VM's vCPUs: the inner shareable domain that the broadcast TLBI forms (…IS)
 * invalidate. Thread safe; a vCPU registers its TLB once, when it is created.
 */
public final class TlbDomain {
    private final CopyOnWriteArrayList<Tlb> tlbs = new CopyOnWriteArrayList<>();

    /** Adds {@code tlb} to the domain; again is harmless. */
    public void register(Tlb tlb) {
        tlbs.addIfAbsent(tlb);
    }

    /** Applies {@code op} to {@code issuer}'s TLB at once and posts it to every other one. */
    public void broadcast(Tlb issuer, Invalidation op) {
        for (Tlb t : tlbs) {
            if (t == issuer) {
                t.invalidate(op);
            } else {
                t.post(op);
            }
        }
    }
}
