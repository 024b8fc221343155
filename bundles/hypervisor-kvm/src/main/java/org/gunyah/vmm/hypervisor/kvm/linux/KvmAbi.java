package org.gunyah.vmm.hypervisor.kvm.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;

/**
 * The x86-64 KVM ABI of {@code <linux/kvm.h>} that this backend uses: ioctl numbers, capability
 * numbers, exit reasons and struct layouts, named as in the header. {@code KvmAbiTest} checks every
 * value here against the kernel headers by compiling a C program with gcc.
 */
public final class KvmAbi {
    private KvmAbi() {}

    private static final int KVMIO = 0xAE;

    private static long io(int nr) {
        return (KVMIO << 8) | nr;
    }

    private static long iow(int nr, long size) {
        return (1L << 30) | (size << 16) | (KVMIO << 8) | nr;
    }

    private static long ior(int nr, long size) {
        return (2L << 30) | (size << 16) | (KVMIO << 8) | nr;
    }

    public static final int API_VERSION = 12;

    // structs

    public static final StructLayout USERSPACE_MEMORY_REGION = MemoryLayout.structLayout(
                    JAVA_INT.withName("slot"),
                    JAVA_INT.withName("flags"),
                    JAVA_LONG.withName("guest_phys_addr"),
                    JAVA_LONG.withName("memory_size"),
                    JAVA_LONG.withName("userspace_addr"))
            .withName("kvm_userspace_memory_region");

    public static final StructLayout IRQFD = MemoryLayout.structLayout(
                    JAVA_INT.withName("fd"),
                    JAVA_INT.withName("gsi"),
                    JAVA_INT.withName("flags"),
                    JAVA_INT.withName("resamplefd"),
                    MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("pad"))
            .withName("kvm_irqfd");

    public static final StructLayout IOEVENTFD = MemoryLayout.structLayout(
                    JAVA_LONG.withName("datamatch"),
                    JAVA_LONG.withName("addr"),
                    JAVA_INT.withName("len"),
                    JAVA_INT.withName("fd"),
                    JAVA_INT.withName("flags"),
                    MemoryLayout.sequenceLayout(36, JAVA_BYTE).withName("pad"))
            .withName("kvm_ioeventfd");

    public static final StructLayout REGS = MemoryLayout.structLayout(
                    JAVA_LONG.withName("rax"),
                    JAVA_LONG.withName("rbx"),
                    JAVA_LONG.withName("rcx"),
                    JAVA_LONG.withName("rdx"),
                    JAVA_LONG.withName("rsi"),
                    JAVA_LONG.withName("rdi"),
                    JAVA_LONG.withName("rsp"),
                    JAVA_LONG.withName("rbp"),
                    JAVA_LONG.withName("r8"),
                    JAVA_LONG.withName("r9"),
                    JAVA_LONG.withName("r10"),
                    JAVA_LONG.withName("r11"),
                    JAVA_LONG.withName("r12"),
                    JAVA_LONG.withName("r13"),
                    JAVA_LONG.withName("r14"),
                    JAVA_LONG.withName("r15"),
                    JAVA_LONG.withName("rip"),
                    JAVA_LONG.withName("rflags"))
            .withName("kvm_regs");

    public static final StructLayout SEGMENT = MemoryLayout.structLayout(
                    JAVA_LONG.withName("base"),
                    JAVA_INT.withName("limit"),
                    JAVA_SHORT.withName("selector"),
                    JAVA_BYTE.withName("type"),
                    JAVA_BYTE.withName("present"),
                    JAVA_BYTE.withName("dpl"),
                    JAVA_BYTE.withName("db"),
                    JAVA_BYTE.withName("s"),
                    JAVA_BYTE.withName("l"),
                    JAVA_BYTE.withName("g"),
                    JAVA_BYTE.withName("avl"),
                    JAVA_BYTE.withName("unusable"),
                    JAVA_BYTE.withName("padding"))
            .withName("kvm_segment");

    public static final StructLayout DTABLE = MemoryLayout.structLayout(
                    JAVA_LONG.withName("base"),
                    JAVA_SHORT.withName("limit"),
                    MemoryLayout.sequenceLayout(3, JAVA_SHORT).withName("padding"))
            .withName("kvm_dtable");

    public static final StructLayout SREGS = MemoryLayout.structLayout(
                    SEGMENT.withName("cs"),
                    SEGMENT.withName("ds"),
                    SEGMENT.withName("es"),
                    SEGMENT.withName("fs"),
                    SEGMENT.withName("gs"),
                    SEGMENT.withName("ss"),
                    SEGMENT.withName("tr"),
                    SEGMENT.withName("ldt"),
                    DTABLE.withName("gdt"),
                    DTABLE.withName("idt"),
                    JAVA_LONG.withName("cr0"),
                    JAVA_LONG.withName("cr2"),
                    JAVA_LONG.withName("cr3"),
                    JAVA_LONG.withName("cr4"),
                    JAVA_LONG.withName("cr8"),
                    JAVA_LONG.withName("efer"),
                    JAVA_LONG.withName("apic_base"),
                    MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("interrupt_bitmap"))
            .withName("kvm_sregs");

    /** {@code struct kvm_signal_mask} with the kernel's 8-byte sigset (its {@code sigset} is unaligned). */
    public static final StructLayout SIGNAL_MASK = MemoryLayout.structLayout(
                    JAVA_INT.withName("len"), JAVA_LONG.withByteAlignment(4).withName("sigset"))
            .withName("kvm_signal_mask");

    public static final StructLayout MP_STATE =
            MemoryLayout.structLayout(JAVA_INT.withName("mp_state")).withName("kvm_mp_state");

    // ioctls

    public static final long GET_API_VERSION = io(0x00);
    public static final long CREATE_VM = io(0x01);
    public static final long CHECK_EXTENSION = io(0x03);
    public static final long GET_VCPU_MMAP_SIZE = io(0x04);
    public static final long CREATE_VCPU = io(0x41);
    public static final long SET_USER_MEMORY_REGION = iow(0x46, USERSPACE_MEMORY_REGION.byteSize());
    public static final long SET_TSS_ADDR = io(0x47);
    public static final long CREATE_IRQCHIP = io(0x60);
    public static final long IRQFD_IOCTL = iow(0x76, IRQFD.byteSize());
    public static final long IOEVENTFD_IOCTL = iow(0x79, IOEVENTFD.byteSize());
    public static final long RUN = io(0x80);
    public static final long GET_REGS = ior(0x81, REGS.byteSize());
    public static final long SET_REGS = iow(0x82, REGS.byteSize());
    public static final long GET_SREGS = ior(0x83, SREGS.byteSize());
    public static final long SET_SREGS = iow(0x84, SREGS.byteSize());
    public static final long SET_SIGNAL_MASK = iow(0x8b, 4);
    public static final long GET_MP_STATE = ior(0x98, MP_STATE.byteSize());
    public static final long SET_MP_STATE = iow(0x99, MP_STATE.byteSize());

    // capabilities

    public static final int CAP_IRQCHIP = 0;
    public static final int CAP_USER_MEMORY = 3;
    public static final int CAP_SET_TSS_ADDR = 4;
    public static final int CAP_IRQFD = 32;
    public static final int CAP_IOEVENTFD = 36;
    public static final int CAP_IRQFD_RESAMPLE = 82;

    // flags

    public static final int IRQFD_FLAG_DEASSIGN = 1;
    public static final int IRQFD_FLAG_RESAMPLE = 2;
    public static final int IOEVENTFD_FLAG_DATAMATCH = 1;
    public static final int IOEVENTFD_FLAG_PIO = 2;
    public static final int IOEVENTFD_FLAG_DEASSIGN = 4;
    public static final int MP_STATE_RUNNABLE = 0;

    // struct kvm_run: the fields read on every exit, as offsets

    public static final long RUN_IMMEDIATE_EXIT = 1;
    public static final long RUN_EXIT_REASON = 8;
    public static final long RUN_MMIO_PHYS_ADDR = 32;
    public static final long RUN_MMIO_DATA = 40;
    public static final long RUN_MMIO_LEN = 48;
    public static final long RUN_MMIO_IS_WRITE = 52;
    public static final long RUN_IO_DIRECTION = 32;
    public static final long RUN_IO_SIZE = 33;
    public static final long RUN_IO_PORT = 34;
    public static final long RUN_IO_COUNT = 36;
    public static final long RUN_IO_DATA_OFFSET = 40;
    public static final long RUN_INTERNAL_SUBERROR = 32;
    public static final long RUN_FAIL_ENTRY_REASON = 32;
    public static final long RUN_SYSTEM_EVENT_TYPE = 32;

    public static final int EXIT_IO = 2;
    public static final int EXIT_HLT = 5;
    public static final int EXIT_MMIO = 6;
    public static final int EXIT_SHUTDOWN = 8;
    public static final int EXIT_FAIL_ENTRY = 9;
    public static final int EXIT_INTR = 10;
    public static final int EXIT_INTERNAL_ERROR = 17;
    public static final int EXIT_SYSTEM_EVENT = 24;
    public static final int EXIT_IO_OUT = 1;

    /** Byte offset of a field named by a path, for tests and for the few struct writes we make. */
    public static long offset(StructLayout layout, String... path) {
        PathElement[] elements = new PathElement[path.length];
        for (int i = 0; i < path.length; i++) {
            elements[i] = PathElement.groupElement(path[i]);
        }
        return layout.byteOffset(elements);
    }
}
