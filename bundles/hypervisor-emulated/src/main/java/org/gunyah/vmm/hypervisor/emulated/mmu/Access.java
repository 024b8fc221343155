package org.gunyah.vmm.hypervisor.emulated.mmu;

/**
 * What an access does, and at which exception level, as one permission bit: the TLB keeps the six
 * bits (read, write, execute at EL0 and at EL1) of each page, so a hit tests one of them.
 */
public final class Access {
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int EXECUTE = 2;

    private Access() {}

    /** The permission bit for {@code access} (READ, WRITE, EXECUTE) at {@code el} (0 or 1). */
    public static int bit(int access, int el) {
        return 1 << (el * 3 + access);
    }

    static int bits(boolean r0, boolean w0, boolean x0, boolean r1, boolean w1, boolean x1) {
        return (r0 ? bit(READ, 0) : 0)
                | (w0 ? bit(WRITE, 0) : 0)
                | (x0 ? bit(EXECUTE, 0) : 0)
                | (r1 ? bit(READ, 1) : 0)
                | (w1 ? bit(WRITE, 1) : 0)
                | (x1 ? bit(EXECUTE, 1) : 0);
    }
}
