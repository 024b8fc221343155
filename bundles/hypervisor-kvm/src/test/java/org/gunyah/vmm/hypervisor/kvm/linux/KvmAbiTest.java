package org.gunyah.vmm.hypervisor.kvm.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.gunyah.vmm.linux.Libc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every ioctl number, capability, exit reason, struct size and field offset the backend uses,
 * checked against the kernel's own headers: a C program printing them is compiled with gcc and
 * run, and each value must equal ours.
 */
class KvmAbiTest {
    /** Our value of each C expression, in the order the C program prints them. */
    private static final Map<String, Long> OURS = new LinkedHashMap<>();

    private static final Map<String, Long> THEIRS = new LinkedHashMap<>();

    static {
        ioctl("KVM_GET_API_VERSION", KvmAbi.GET_API_VERSION);
        ioctl("KVM_CREATE_VM", KvmAbi.CREATE_VM);
        ioctl("KVM_CHECK_EXTENSION", KvmAbi.CHECK_EXTENSION);
        ioctl("KVM_GET_VCPU_MMAP_SIZE", KvmAbi.GET_VCPU_MMAP_SIZE);
        ioctl("KVM_CREATE_VCPU", KvmAbi.CREATE_VCPU);
        ioctl("KVM_SET_USER_MEMORY_REGION", KvmAbi.SET_USER_MEMORY_REGION);
        ioctl("KVM_SET_TSS_ADDR", KvmAbi.SET_TSS_ADDR);
        ioctl("KVM_CREATE_IRQCHIP", KvmAbi.CREATE_IRQCHIP);
        ioctl("KVM_IRQFD", KvmAbi.IRQFD_IOCTL);
        ioctl("KVM_IOEVENTFD", KvmAbi.IOEVENTFD_IOCTL);
        ioctl("KVM_RUN", KvmAbi.RUN);
        ioctl("KVM_GET_REGS", KvmAbi.GET_REGS);
        ioctl("KVM_SET_REGS", KvmAbi.SET_REGS);
        ioctl("KVM_GET_SREGS", KvmAbi.GET_SREGS);
        ioctl("KVM_SET_SREGS", KvmAbi.SET_SREGS);
        ioctl("KVM_SET_SIGNAL_MASK", KvmAbi.SET_SIGNAL_MASK);
        ioctl("KVM_GET_MP_STATE", KvmAbi.GET_MP_STATE);
        ioctl("KVM_SET_MP_STATE", KvmAbi.SET_MP_STATE);
        value("KVM_API_VERSION", KvmAbi.API_VERSION);
        value("KVM_CAP_IRQCHIP", KvmAbi.CAP_IRQCHIP);
        value("KVM_CAP_USER_MEMORY", KvmAbi.CAP_USER_MEMORY);
        value("KVM_CAP_SET_TSS_ADDR", KvmAbi.CAP_SET_TSS_ADDR);
        value("KVM_CAP_IRQFD", KvmAbi.CAP_IRQFD);
        value("KVM_CAP_IOEVENTFD", KvmAbi.CAP_IOEVENTFD);
        value("KVM_CAP_IRQFD_RESAMPLE", KvmAbi.CAP_IRQFD_RESAMPLE);
        value("KVM_IRQFD_FLAG_DEASSIGN", KvmAbi.IRQFD_FLAG_DEASSIGN);
        value("KVM_IRQFD_FLAG_RESAMPLE", KvmAbi.IRQFD_FLAG_RESAMPLE);
        value("KVM_IOEVENTFD_FLAG_DATAMATCH", KvmAbi.IOEVENTFD_FLAG_DATAMATCH);
        value("KVM_IOEVENTFD_FLAG_PIO", KvmAbi.IOEVENTFD_FLAG_PIO);
        value("KVM_IOEVENTFD_FLAG_DEASSIGN", KvmAbi.IOEVENTFD_FLAG_DEASSIGN);
        value("KVM_MP_STATE_RUNNABLE", KvmAbi.MP_STATE_RUNNABLE);
        value("KVM_EXIT_IO", KvmAbi.EXIT_IO);
        value("KVM_EXIT_HLT", KvmAbi.EXIT_HLT);
        value("KVM_EXIT_MMIO", KvmAbi.EXIT_MMIO);
        value("KVM_EXIT_SHUTDOWN", KvmAbi.EXIT_SHUTDOWN);
        value("KVM_EXIT_FAIL_ENTRY", KvmAbi.EXIT_FAIL_ENTRY);
        value("KVM_EXIT_INTR", KvmAbi.EXIT_INTR);
        value("KVM_EXIT_INTERNAL_ERROR", KvmAbi.EXIT_INTERNAL_ERROR);
        value("KVM_EXIT_SYSTEM_EVENT", KvmAbi.EXIT_SYSTEM_EVENT);
        value("KVM_EXIT_IO_OUT", KvmAbi.EXIT_IO_OUT);
        value("offsetof(struct kvm_run, immediate_exit)", KvmAbi.RUN_IMMEDIATE_EXIT);
        value("offsetof(struct kvm_run, exit_reason)", KvmAbi.RUN_EXIT_REASON);
        value("offsetof(struct kvm_run, mmio.phys_addr)", KvmAbi.RUN_MMIO_PHYS_ADDR);
        value("offsetof(struct kvm_run, mmio.data)", KvmAbi.RUN_MMIO_DATA);
        value("offsetof(struct kvm_run, mmio.len)", KvmAbi.RUN_MMIO_LEN);
        value("offsetof(struct kvm_run, mmio.is_write)", KvmAbi.RUN_MMIO_IS_WRITE);
        value("offsetof(struct kvm_run, io.direction)", KvmAbi.RUN_IO_DIRECTION);
        value("offsetof(struct kvm_run, io.size)", KvmAbi.RUN_IO_SIZE);
        value("offsetof(struct kvm_run, io.port)", KvmAbi.RUN_IO_PORT);
        value("offsetof(struct kvm_run, io.count)", KvmAbi.RUN_IO_COUNT);
        value("offsetof(struct kvm_run, io.data_offset)", KvmAbi.RUN_IO_DATA_OFFSET);
        value("offsetof(struct kvm_run, internal.suberror)", KvmAbi.RUN_INTERNAL_SUBERROR);
        value("offsetof(struct kvm_run, fail_entry.hardware_entry_failure_reason)", KvmAbi.RUN_FAIL_ENTRY_REASON);
        value("offsetof(struct kvm_run, system_event.type)", KvmAbi.RUN_SYSTEM_EVENT_TYPE);
        struct(KvmAbi.USERSPACE_MEMORY_REGION);
        struct(KvmAbi.IRQFD);
        struct(KvmAbi.IOEVENTFD);
        struct(KvmAbi.REGS);
        struct(KvmAbi.SEGMENT);
        struct(KvmAbi.DTABLE);
        struct(KvmAbi.SREGS);
        struct(KvmAbi.MP_STATE);
        // the kernel's sigset after the struct's 4-byte len: 8 bytes, unaligned
        value("sizeof(struct kvm_signal_mask) + 8", KvmAbi.SIGNAL_MASK.byteSize());
        value("offsetof(struct kvm_signal_mask, sigset)", KvmAbi.offset(KvmAbi.SIGNAL_MASK, "sigset"));
        value("sizeof(struct epoll_event)", Libc.EPOLL_EVENT.byteSize());
        value("offsetof(struct epoll_event, data)", Libc.EPOLL_EVENT.byteOffset(PathElement.groupElement("data")));
        value("EPOLLIN", Libc.EPOLLIN);
        value("(unsigned) EPOLLET", Integer.toUnsignedLong(Libc.EPOLLET));
        value("EPOLL_CTL_ADD", Libc.EPOLL_CTL_ADD);
        value("EPOLL_CTL_DEL", Libc.EPOLL_CTL_DEL);
        value("O_RDWR", Libc.O_RDWR);
        value("O_CLOEXEC", Libc.O_CLOEXEC);
        value("EFD_NONBLOCK", Libc.EFD_NONBLOCK);
        value("EFD_SEMAPHORE", Libc.EFD_SEMAPHORE);
        value("EFD_CLOEXEC", Libc.EFD_CLOEXEC);
        value("POLLIN", Libc.POLLIN);
        value("POLLOUT", Libc.POLLOUT);
        value("SIG_BLOCK", Libc.SIG_BLOCK);
        value("SIGURG", Libc.SIGURG);
        value("sizeof(sigset_t)", Libc.SIGSET_SIZE);
        value("EINTR", Libc.EINTR);
        value("EAGAIN", Libc.EAGAIN);
        value("PROT_READ | PROT_WRITE", Libc.PROT_READ | Libc.PROT_WRITE);
        value("MAP_SHARED", Libc.MAP_SHARED);
        value("MAP_ANONYMOUS", Libc.MAP_ANONYMOUS);
    }

    private static void ioctl(String name, long ours) {
        OURS.put("(unsigned long) " + name, ours);
    }

    private static void value(String expression, long ours) {
        OURS.put(expression, ours);
    }

    /** sizeof the C struct the layout is named after, and offsetof each of its named fields. */
    private static void struct(StructLayout layout) {
        String c = "struct " + layout.name().orElseThrow();
        OURS.put("sizeof(" + c + ")", layout.byteSize());
        for (MemoryLayout m : layout.memberLayouts()) {
            String field = m.name().orElseThrow();
            OURS.put("offsetof(" + c + ", " + field + ")", KvmAbi.offset(layout, field));
        }
    }

    @BeforeAll
    static void askTheKernelHeaders(@TempDir Path dir) throws IOException, InterruptedException {
        StringBuilder c = new StringBuilder("""
            #include <stddef.h>
            #include <stdio.h>
            #include <fcntl.h>
            #include <errno.h>
            #include <poll.h>
            #include <signal.h>
            #include <sys/epoll.h>
            #include <sys/eventfd.h>
            #include <sys/mman.h>
            #include <linux/kvm.h>
            int main(void) {
            """);
        int i = 0;
        for (String expression : OURS.keySet()) {
            c.append("    printf(\"%d %llu\\n\", ")
                    .append(i++)
                    .append(", (unsigned long long) (")
                    .append(expression)
                    .append("));\n");
        }
        c.append("    return 0;\n}\n");
        Path src = Files.writeString(dir.resolve("abi.c"), c);
        Path exe = dir.resolve("abi");
        run(List.of("gcc", "-o", exe.toString(), src.toString()));
        List<String> keys = List.copyOf(OURS.keySet());
        for (String line : run(List.of(exe.toString())).split("\n")) {
            String[] parts = line.split(" ");
            THEIRS.put(keys.get(Integer.parseInt(parts[0])), Long.parseUnsignedLong(parts[1]));
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(
                    String.join(" ", command) + " failed (gcc and the kernel headers are needed):\n" + out);
        }
        return out;
    }

    static Stream<Arguments> values() {
        return OURS.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void equalsTheKernelHeaders(String expression, long ours) {
        Long theirs = THEIRS.get(expression);
        assertNotNull(theirs, expression);
        assertEquals(theirs.longValue(), ours, expression);
    }
}
