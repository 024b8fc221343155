package org.gunyah.vmm.hypervisor.kvm.vm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.kvm.linux.KvmAbi;
import org.gunyah.vmm.linux.Libc;

/**
 * The state every vCPU starts in, the x86 counterpart of the emulated backend's "pc = entry,
 * x0 = DTB": 32-bit protected mode without paging, flat 4 GiB code (selector 0x08) and data
 * (0x10) segments, interrupts off, EIP at the image's entry, EDI = the vCPU's id (its cpu node's
 * reg, also its local APIC id) and ESI = the devicetree's guest physical address. No GDT or IDT is
 * loaded: a guest that reloads a segment or takes interrupts brings its own. Every vCPU, the
 * application processors included, is made runnable at once (KVM would hold them for INIT/SIPI).
 */
final class X86Entry {
    static final int CODE_SELECTOR = 0x08;
    static final int DATA_SELECTOR = 0x10;
    private static final long CR0_PE = 1;
    private static final long RFLAGS_RESERVED = 2;

    private X86Entry() {}

    static void apply(int vcpuFd, long entry, int vcpuId, long dtbAddress) throws GunyahException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sregs = a.allocate(KvmAbi.SREGS);
            Libc.ioctl(vcpuFd, KvmAbi.GET_SREGS, sregs, "KVM_GET_SREGS");
            flat(sregs, "cs", CODE_SELECTOR, 11);
            for (String seg : new String[] {"ds", "es", "fs", "gs", "ss"}) {
                flat(sregs, seg, DATA_SELECTOR, 3);
            }
            long cr0 = KvmAbi.offset(KvmAbi.SREGS, "cr0");
            sregs.set(JAVA_LONG, cr0, sregs.get(JAVA_LONG, cr0) | CR0_PE);
            Libc.ioctl(vcpuFd, KvmAbi.SET_SREGS, sregs, "KVM_SET_SREGS");

            MemorySegment regs = a.allocate(KvmAbi.REGS);
            regs.set(JAVA_LONG, KvmAbi.offset(KvmAbi.REGS, "rip"), entry);
            regs.set(JAVA_LONG, KvmAbi.offset(KvmAbi.REGS, "rflags"), RFLAGS_RESERVED);
            regs.set(JAVA_LONG, KvmAbi.offset(KvmAbi.REGS, "rdi"), vcpuId);
            regs.set(JAVA_LONG, KvmAbi.offset(KvmAbi.REGS, "rsi"), dtbAddress);
            Libc.ioctl(vcpuFd, KvmAbi.SET_REGS, regs, "KVM_SET_REGS");

            MemorySegment mp = a.allocate(KvmAbi.MP_STATE);
            mp.set(JAVA_INT, 0, KvmAbi.MP_STATE_RUNNABLE);
            Libc.ioctl(vcpuFd, KvmAbi.SET_MP_STATE, mp, "KVM_SET_MP_STATE");
        }
    }

    private static void flat(MemorySegment sregs, String name, int selector, int type) {
        MemorySegment s = sregs.asSlice(KvmAbi.offset(KvmAbi.SREGS, name), KvmAbi.SEGMENT.byteSize());
        s.set(JAVA_LONG, KvmAbi.offset(KvmAbi.SEGMENT, "base"), 0);
        s.set(JAVA_INT, KvmAbi.offset(KvmAbi.SEGMENT, "limit"), 0xffff_ffff);
        s.set(JAVA_SHORT, KvmAbi.offset(KvmAbi.SEGMENT, "selector"), (short) selector);
        byte[] flags = {(byte) type, 1, 0, 1, 1, 0, 1, 0, 0};
        String[] names = {"type", "present", "dpl", "db", "s", "l", "g", "avl", "unusable"};
        for (int i = 0; i < names.length; i++) {
            s.set(JAVA_BYTE, KvmAbi.offset(KvmAbi.SEGMENT, names[i]), flags[i]);
        }
    }
}
