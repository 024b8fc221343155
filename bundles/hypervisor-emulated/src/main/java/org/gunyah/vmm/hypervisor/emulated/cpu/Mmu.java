package org.gunyah.vmm.hypervisor.emulated.cpu;

import org.gunyah.vmm.hypervisor.emulated.mmu.Access;
import org.gunyah.vmm.hypervisor.emulated.mmu.Fault;
import org.gunyah.vmm.hypervisor.emulated.mmu.Invalidation;
import org.gunyah.vmm.hypervisor.emulated.mmu.Stage1;
import org.gunyah.vmm.hypervisor.emulated.mmu.Tlb;
import org.gunyah.vmm.hypervisor.emulated.mmu.Translation;

/**
 * The vCPU's side of stage-1 translation, used while SCTLR_EL1.M is set: the current regime (a
 * snapshot of SCTLR, TCR, the TTBRs and MAIR, refreshed by {@link #registersWritten} whenever the
 * guest writes one of them), its TLB, and the aborts a failed translation raises.
 *
 * <p>The TLB holds the permissions of both EL0 and EL1 and is tagged with the ASID, so a change
 * of EL or of the ASID (a TTBR write) needs nothing more; writing SCTLR, TCR or MAIR empties it,
 * since its entries were made under the old ones (the architecture requires a TLBI after such a
 * change; emptying costs nothing where it matters and removes any doubt).
 */
final class Mmu {
    private final A64Cpu cpu;
    final Tlb tlb = new Tlb();
    private Stage1 regime = new Stage1(0, 0, 0, 0, 0);
    private int asid;
    private boolean tbi0;
    private boolean tbi1;

    Mmu(A64Cpu cpu) {
        this.cpu = cpu;
    }

    Stage1 regime() {
        return regime;
    }

    int asid() {
        return asid;
    }

    /** A translation register was written; {@code flush} for SCTLR, TCR, MAIR (not the TTBRs). */
    void registersWritten(boolean flush) {
        El1Registers r = cpu.el1;
        regime = new Stage1(cpu.sctlr, r.tcr, r.ttbr0, r.ttbr1, r.mair);
        asid = regime.asid();
        tbi0 = regime.topByteIgnored(false);
        tbi1 = regime.topByteIgnored(true);
        cpu.forgetPages(); // a new ASID, or translation off and on again
        cpu.forgetCode();
        if (flush) {
            tlb.invalidate(Invalidation.ALL);
        }
    }

    /** The address as the TLB keys it: the top byte replaced by bit 55's when TBI applies to its half. */
    long canonical(long va) {
        return ((va >>> 55 & 1) != 0 ? tbi1 : tbi0) ? va << 8 >> 8 : va;
    }

    /**
     * The TLB entry of the page of {@code va} allowing {@code access} with the permissions of
     * {@code permissionEl} (0 for LDTR/STTR at EL1): from the TLB, else walked and cached. A fault
     * throws the abort, taken from the current EL, with {@code va} as its FAR.
     */
    int entry(long va, int access, int permissionEl) {
        tlb.applyPosted();
        long key = canonical(va);
        int e = tlb.lookup(key, asid, Access.bit(access, permissionEl));
        if (e >= 0) {
            return e;
        }
        if (!tlb.allocated()) {
            // Joins the VM's domain before its first walk: until it caches something no TLBI has
            // anything to remove, and joining first means no broadcast can miss what it caches.
            cpu.memory.tlbs().register(tlb);
        }
        Stage1.Result result = regime.walk(va, cpu.memory);
        if (result instanceof Fault f) {
            throw abort(f, va, access);
        }
        Translation t = (Translation) result;
        if (!t.allows(access, permissionEl)) {
            throw abort(new Fault(Fault.Kind.PERMISSION, t.level()), va, access);
        }
        return tlb.fill(key, asid, t, cpu.memory.ramPage(t.pagePa()));
    }

    /** The core is replaced (PSCI CPU_ON makes a fresh one): its TLB leaves the VM's domain. */
    void retire() {
        cpu.memory.tlbs().leave(tlb);
    }

    /** The physical address of {@code va} for {@code access}; faults as {@link #entry} does. */
    long physical(long va, int access, int permissionEl) {
        return tlb.pagePa(entry(va, access, permissionEl)) | (va & 0xfff);
    }

    /** The abort for {@code fault} on an access of {@code va}: instruction or data, from the current EL. */
    private GuestFault abort(Fault fault, long va, int access) {
        return access == Access.EXECUTE
                ? Exceptions.instructionAbort(cpu, fault.statusCode(), va)
                : Exceptions.dataAbort(cpu, fault.statusCode(), access == Access.WRITE, va);
    }
}
