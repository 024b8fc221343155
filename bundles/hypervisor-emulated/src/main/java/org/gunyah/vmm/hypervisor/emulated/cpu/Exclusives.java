package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * The load/store exclusive class (bits 29:24 = 001000, V = 0), fields size, o2 (23), L (22), o1
 * (21), Rs, o0 (15), Rt2, Rn, Rt:
 *
 * <ul>
 *   <li>o2 o1 = 00: LDXR/LDAXR, STXR/STLXR of 1, 2, 4, 8 bytes;
 *   <li>o2 o1 = 01, size 1x: LDXP/LDAXP, STXP/STLXP of W and X pairs; size 0x: CASP/CASPA/CASPL/
 *       CASPAL of W and X pairs (v8.1 LSE; Rs and Rt even, else undefined);
 *   <li>o2 o1 = 10: LDAR/STLR (o0 = 1) of every size; LDLAR/STLLR (o0 = 0, v8.1 LOR, not
 *       advertised) undefined;
 *   <li>o2 o1 = 11: CAS/CASA/CASL/CASAL of B, H, W, X (v8.1 LSE).
 * </ul>
 *
 * <p>The exclusive monitor. Each vCPU has a local {@link Monitor}: LDXR records the address, the
 * size and the value it loaded. STXR clears it and succeeds only if the monitor was set for the
 * same address and size AND a compare-and-set of guest RAM from the recorded value to the new one
 * succeeds, atomically across vCPU threads. The compare-and-set stands for the global monitor: any
 * write by another vCPU that changed the granule (a plain store, an LSE atomic, another vCPU's
 * STXR) makes it fail, without ordinary stores (the hot path) doing anything. The caveat is ABA: a
 * write that puts back the value LDXR saw goes unnoticed, where the architecture would fail the
 * STXR. This is the design of QEMU's TCG (store-exclusive as cmpxchg), and it is sound for what
 * software builds from LL/SC: an atomic read-modify-write, a compare-and-swap or a lock needs only
 * that the store happens if and only if memory still holds the value read, which the CAS gives
 * exactly; portable code (Linux's atomics and cmpxchg, glibc, C11 atomics compiled to LL/SC) never
 * relies on an LL/SC pair detecting an ABA, since CAS architectures could not run it. Spurious
 * failure (the architecture allows a monitor to be lost at any time) only retries a loop. The
 * local monitor is also cleared by CLREX ({@link #clear}) and by an exception return.
 *
 * <p>Exclusives, LDAR/STLR, CAS and CASP must be naturally aligned (pairs: to their total size):
 * otherwise an alignment fault, whatever SCTLR.A says. Translation and permission faults come
 * next, all before anything changes. Outside RAM the guest crashes with the reason (an external
 * abort on hardware), but LDAR/STLR outside RAM are MMIO exits like any load or store. The monitor
 * records the virtual address; the memory operations use the physical one. Ordering: every access
 * here is at least volatile (sequentially consistent) in the Java memory model, which covers
 * acquire, release and the RCsc order of STLR before LDAR.
 */
final class Exclusives {
    private Exclusives() {}

    /** A vCPU's local exclusive monitor: the address, total size and value(s) of the last LDXR/LDXP. */
    static final class Monitor {
        boolean valid;
        long address;
        int size;
        long low;
        long high;
        final long[] pair = new long[2]; // scratch for 16-byte accesses, so that none allocates

        void set(long address, int size, long low, long high) {
            this.valid = true;
            this.address = address;
            this.size = size;
            this.low = low;
            this.high = high;
        }

        /** Whether it was set for exactly this access; clears it either way (every STXR does). */
        boolean take(long address, int size) {
            boolean hit = valid && this.address == address && this.size == size;
            valid = false;
            return hit;
        }
    }

    /** CLREX: clears the vCPU's local monitor, so that its next store-exclusive fails. */
    static void clear(A64Cpu cpu) {
        cpu.monitor.valid = false;
    }

    static Exit execute(A64Cpu cpu, int insn) {
        boolean o2 = bit(insn, 23);
        boolean o1 = bit(insn, 21);
        int sizeBits = bits(insn, 31, 30);
        boolean rt2IsZr = bits(insn, 14, 10) == 31;
        if (!o2 && !o1) {
            return exclusive(cpu, insn, 1 << sizeBits);
        }
        if (!o2) {
            if (sizeBits >= 2) {
                return exclusivePair(cpu, insn, sizeBits == 3);
            }
            return rt2IsZr ? compareAndSwapPair(cpu, insn, sizeBits == 1) : cpu.undefined(insn);
        }
        if (!o1) {
            return bit(insn, 15) ? ordered(cpu, insn, 1 << sizeBits) : cpu.undefined(insn);
        }
        return rt2IsZr ? compareAndSwap(cpu, insn, 1 << sizeBits) : cpu.undefined(insn);
    }

    /** LDXR, LDAXR, STXR, STLXR of 1, 2, 4 or 8 bytes. */
    private static Exit exclusive(A64Cpu cpu, int insn, int size) {
        boolean load = bit(insn, 22);
        long address = base(cpu, insn);
        GuestMemory.Region r = cpu.atomicRegion(address, size, !load);
        if (r == null) {
            return Atomics.refuse(cpu, insn, load ? "LDXR" : "STXR", address, size);
        }
        long pa = cpu.atomicPa;
        int rt = bits(insn, 4, 0);
        if (load) {
            long value = GuestMemory.loadAcquire(r, pa, size);
            cpu.monitor.set(address, size, value, 0);
            cpu.setReg(rt, value, size == 8);
        } else {
            long value = cpu.reg(rt) & Bits.ones(8 * size);
            Monitor m = cpu.monitor;
            boolean stored =
                    m.take(address, size) && GuestMemory.compareAndExchange(r, pa, size, m.low, value) == m.low;
            cpu.setReg(bits(insn, 20, 16), stored ? 0 : 1, false);
        }
        cpu.pc += 4;
        return null;
    }

    /** LDXP, LDAXP, STXP, STLXP of two W (8 bytes, one 64-bit access) or two X registers (16). */
    private static Exit exclusivePair(A64Cpu cpu, int insn, boolean x) {
        boolean load = bit(insn, 22);
        int size = x ? 16 : 8;
        long address = base(cpu, insn);
        GuestMemory.Region r = cpu.atomicRegion(address, size, !load);
        if (r == null) {
            return Atomics.refuse(cpu, insn, load ? "LDXP" : "STXP", address, size);
        }
        long pa = cpu.atomicPa;
        int rt = bits(insn, 4, 0);
        int rt2 = bits(insn, 14, 10);
        Monitor m = cpu.monitor;
        if (load) {
            long low;
            long high;
            if (x) {
                GuestMemory.loadPair(r, pa, m.pair);
                low = m.pair[0];
                high = m.pair[1];
            } else {
                long v = GuestMemory.loadAcquire(r, pa, 8);
                low = v & Bits.W;
                high = v >>> 32;
            }
            m.set(address, size, low, high);
            cpu.setReg(rt, low, x);
            cpu.setReg(rt2, high, x);
        } else {
            boolean stored;
            if (!m.take(address, size)) {
                stored = false;
            } else if (x) {
                stored = GuestMemory.compareAndExchangePair(r, pa, m.low, m.high, cpu.reg(rt), cpu.reg(rt2), null);
            } else {
                long expected = m.low | m.high << 32;
                long value = cpu.reg(rt) & Bits.W | cpu.reg(rt2) << 32;
                stored = GuestMemory.compareAndExchange(r, pa, 8, expected, value) == expected;
            }
            cpu.setReg(bits(insn, 20, 16), stored ? 0 : 1, false);
        }
        cpu.pc += 4;
        return null;
    }

    /** LDAR and STLR of 1, 2, 4 or 8 bytes; MMIO exits outside RAM. */
    private static Exit ordered(A64Cpu cpu, int insn, int size) {
        boolean load = bit(insn, 22);
        long address = base(cpu, insn);
        int rt = bits(insn, 4, 0);
        GuestMemory.Region r = cpu.atomicRegion(address, size, !load);
        if (r == null || size < 4 && !r.contains(cpu.atomicPa, size)) {
            return cpu.access(load, address, size, rt, false, size == 8, false, -1, 0);
        }
        long pa = cpu.atomicPa;
        cpu.pc += 4;
        if (load) {
            cpu.setReg(rt, GuestMemory.loadAcquire(r, pa, size), size == 8);
        } else {
            GuestMemory.storeRelease(r, pa, size, cpu.reg(rt));
        }
        return null;
    }

    /** CAS, CASA, CASL, CASAL of 1, 2, 4 or 8 bytes: Rs is compared and gets the old value. */
    private static Exit compareAndSwap(A64Cpu cpu, int insn, int size) {
        long address = base(cpu, insn);
        GuestMemory.Region r = cpu.atomicRegion(address, size, true);
        if (r == null) {
            return Atomics.refuse(cpu, insn, "CAS", address, size);
        }
        int rs = bits(insn, 20, 16);
        long mask = Bits.ones(8 * size);
        long old = GuestMemory.compareAndExchange(
                r, cpu.atomicPa, size, cpu.reg(rs) & mask, cpu.reg(bits(insn, 4, 0)) & mask);
        cpu.setReg(rs, old, size == 8);
        cpu.pc += 4;
        return null;
    }

    /** CASP, CASPA, CASPL, CASPAL of W pairs (8 bytes) and X pairs (16 bytes). */
    private static Exit compareAndSwapPair(A64Cpu cpu, int insn, boolean x) {
        int rs = bits(insn, 20, 16);
        int rt = bits(insn, 4, 0);
        if ((rs & 1) != 0 || (rt & 1) != 0) {
            return cpu.undefined(insn);
        }
        int size = x ? 16 : 8;
        long address = base(cpu, insn);
        GuestMemory.Region r = cpu.atomicRegion(address, size, true);
        if (r == null) {
            return Atomics.refuse(cpu, insn, "CASP", address, size);
        }
        long pa = cpu.atomicPa;
        if (x) {
            long[] found = cpu.monitor.pair;
            GuestMemory.compareAndExchangePair(
                    r, pa, cpu.reg(rs), cpu.reg(rs + 1), cpu.reg(rt), cpu.reg(rt + 1), found);
            cpu.setReg(rs, found[0], true);
            cpu.setReg(rs + 1, found[1], true);
        } else {
            long expected = cpu.reg(rs) & Bits.W | cpu.reg(rs + 1) << 32;
            long value = cpu.reg(rt) & Bits.W | cpu.reg(rt + 1) << 32;
            long old = GuestMemory.compareAndExchange(r, pa, 8, expected, value);
            cpu.setReg(rs, old & Bits.W, false);
            cpu.setReg(rs + 1, old >>> 32, false);
        }
        cpu.pc += 4;
        return null;
    }

    /** The base register Rn (SP when 31), checked for SP alignment. */
    private static long base(A64Cpu cpu, int insn) {
        int rn = bits(insn, 9, 5);
        cpu.checkSpAlignment(rn);
        return cpu.regSp(rn, true);
    }
}
