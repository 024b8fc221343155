package org.gunyah.vmm.hypervisor.emulated.mmu;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The TLBs of one VM's vCPUs: the inner shareable domain that the broadcast TLBI forms (…IS)
 * invalidate. Thread safe; a vCPU's TLB joins before its first walk and leaves with its core (a
 * core PSCI CPU_ON replaces).
 */
public final class TlbDomain {
    private final CopyOnWriteArrayList<Tlb> tlbs = new CopyOnWriteArrayList<>();

    /** Adds {@code tlb} to the domain; again is harmless. */
    public void register(Tlb tlb) {
        tlbs.addIfAbsent(tlb);
    }

    /** Takes {@code tlb} out of the domain: its core is gone. */
    public void leave(Tlb tlb) {
        tlbs.remove(tlb);
    }

    /** How many TLBs the domain holds, for tests and diagnostics. */
    public int size() {
        return tlbs.size();
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
