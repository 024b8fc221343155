// kvmbench: reference numbers for the KVM paths the VMM uses, on raw /dev/kvm, with the same
// guest (benchmarks/kvm/guest/bench.S) the Java implementation runs, so the two can be compared.
//
//   kvmbench <mmio_exit|ioeventfd|irqfd> <count> <bench.bin>
//
// Prints one line: <mode> ns_per_op=<ns> count=<count>
//   mmio_exit: one guest MMIO write that exits to userspace and back (whole KVM_RUN loop / count)
//   ioeventfd: one guest write to a KVM_IOEVENTFD, until a reader thread has seen them all
//   irqfd:     one round trip: host writes the irqfd, guest takes the interrupt and acks
//              through an ioeventfd, host reads the ack
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

// The guest contract (see bench.S).
#define RAM_GPA     0x40000000ULL
#define RAM_SIZE    (2UL << 20)
#define MODE_OFF    0x10
#define COUNT_OFF   0x14
#define MMIO_EXIT   0x0a001000ULL   // nothing mapped: each write is a KVM_EXIT_MMIO
#define DOORBELL    0x0a000000ULL   // ioeventfd, mode ioeventfd
#define ACK         0x0a000008ULL   // ioeventfd, mode irqfd
#define IRQ_GSI     16
#define EXIT_PORT   0xf4

static int vcpu_fd;
static struct kvm_run *run;
static uint32_t expect_mmio = 0; // the only MMIO address that may reach userspace (mmio_exit)
static int guest_exit = -1;      // the code the guest wrote to EXIT_PORT

static void die(const char *what) { perror(what); exit(1); }

static long xioctl(int fd, unsigned long req, unsigned long arg, const char *name)
{
    long r = ioctl(fd, req, arg);
    if (r < 0)
        die(name);
    return r;
}
#define IOCTL(fd, req, arg) xioctl(fd, req, (unsigned long)(arg), #req)

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

// Reports an exit the benchmark does not expect and ends the process (from any thread: a
// half-run benchmark has no number worth printing).
static void bad_exit(void)
{
    struct kvm_regs regs;
    fprintf(stderr, "kvmbench: unexpected exit reason %u", run->exit_reason);
    switch (run->exit_reason) {
    case KVM_EXIT_MMIO:
        fprintf(stderr, " (MMIO %s 0x%llx len %u)", run->mmio.is_write ? "write" : "read",
                (unsigned long long)run->mmio.phys_addr, run->mmio.len);
        break;
    case KVM_EXIT_IO:
        fprintf(stderr, " (IO %s port 0x%x size %u)", run->io.direction ? "out" : "in",
                run->io.port, run->io.size);
        break;
    case KVM_EXIT_FAIL_ENTRY:
        fprintf(stderr, " (FAIL_ENTRY reason 0x%llx)",
                (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        break;
    case KVM_EXIT_INTERNAL_ERROR:
        fprintf(stderr, " (INTERNAL_ERROR suberror %u, data", run->internal.suberror);
        for (unsigned i = 0; i < run->internal.ndata && i < 16; i++)
            fprintf(stderr, " 0x%llx", (unsigned long long)run->internal.data[i]);
        fprintf(stderr, ")");
        break;
    }
    if (ioctl(vcpu_fd, KVM_GET_REGS, &regs) == 0)
        fprintf(stderr, " rip=0x%llx", (unsigned long long)regs.rip);
    fprintf(stderr, "\n");
    exit(1);
}

// Runs the vCPU until the guest writes its exit code to EXIT_PORT. The only exits expected on
// the way are mmio_exit's writes; ioeventfd, irqfd, PIC, APIC and IOAPIC stay in the kernel.
static void *run_vcpu(void *unused)
{
    (void)unused;
    for (;;) {
        if (ioctl(vcpu_fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR)
                continue;
            die("KVM_RUN");
        }
        if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.is_write && expect_mmio &&
            run->mmio.phys_addr == expect_mmio)
            continue; // ignored: the write itself is what is measured
        if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_OUT &&
            run->io.port == EXIT_PORT && run->io.size == 4) {
            memcpy(&guest_exit, (uint8_t *)run + run->io.data_offset, 4);
            return NULL;
        }
        bad_exit();
    }
}

// Blocks until the eventfd counts something and returns (and resets) the count. A guest that
// stops writing (broken setup) would block the benchmark for good: give up after 10 s.
static uint64_t read_eventfd(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    uint64_t v;
    int r = poll(&p, 1, 10000);
    if (r == 0) {
        fprintf(stderr, "kvmbench: no guest write for 10 s\n");
        exit(1);
    }
    if (r < 0 || read(fd, &v, 8) != 8)
        die("read eventfd");
    return v;
}

static void add_ioeventfd(int vm_fd, int efd, uint64_t addr)
{
    struct kvm_ioeventfd io = { .addr = addr, .len = 4, .fd = efd }; // no datamatch
    IOCTL(vm_fd, KVM_IOEVENTFD, &io);
}

int main(int argc, char **argv)
{
    static const char *modes[] = { NULL, "mmio_exit", "ioeventfd", "irqfd" };
    if (argc != 4) {
        fprintf(stderr, "usage: kvmbench <mmio_exit|ioeventfd|irqfd> <count> <bench.bin>\n");
        return 2;
    }
    uint32_t mode = 0;
    for (uint32_t m = 1; m <= 3; m++)
        if (strcmp(argv[1], modes[m]) == 0)
            mode = m;
    char *end;
    unsigned long count = strtoul(argv[2], &end, 10);
    if (!mode || *end || count == 0 || count > UINT32_MAX) {
        fprintf(stderr, "kvmbench: bad mode or count\n");
        return 2;
    }

    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        die("/dev/kvm");
    if (IOCTL(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
        fprintf(stderr, "kvmbench: unexpected KVM API version\n");
        return 1;
    }
    int vm = IOCTL(kvm, KVM_CREATE_VM, 0);
    IOCTL(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL);
    IOCTL(vm, KVM_CREATE_IRQCHIP, 0); // PIC, IOAPIC and local APIC in the kernel; before vCPUs

    uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (ram == MAP_FAILED)
        die("mmap RAM");
    int img = open(argv[3], O_RDONLY | O_CLOEXEC);
    ssize_t n = img < 0 ? -1 : read(img, ram, RAM_SIZE);
    if (n < 0)
        die(argv[3]);
    if (n < COUNT_OFF + 4) {
        fprintf(stderr, "kvmbench: %s: not a guest image\n", argv[3]);
        return 1;
    }
    close(img);
    uint32_t count32 = (uint32_t)count;
    memcpy(ram + MODE_OFF, &mode, 4); // x86 host: already little endian
    memcpy(ram + COUNT_OFF, &count32, 4);
    struct kvm_userspace_memory_region region = {
        .slot = 0, .guest_phys_addr = RAM_GPA, .memory_size = RAM_SIZE,
        .userspace_addr = (uintptr_t)ram,
    };
    IOCTL(vm, KVM_SET_USER_MEMORY_REGION, &region);

    vcpu_fd = IOCTL(vm, KVM_CREATE_VCPU, 0);
    long run_size = IOCTL(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
    if (run == MAP_FAILED)
        die("mmap kvm_run");

    // Flat 32-bit protected mode, paging off; the guest loads its own GDT and IDT.
    struct kvm_sregs sregs;
    IOCTL(vcpu_fd, KVM_GET_SREGS, &sregs);
    struct kvm_segment code = {
        .base = 0, .limit = 0xffffffff, .selector = 0x08, .type = 11,
        .present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
    };
    struct kvm_segment data = code;
    data.selector = 0x10, data.type = 3;
    sregs.cs = code;
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
    sregs.cr0 |= 1; // PE
    IOCTL(vcpu_fd, KVM_SET_SREGS, &sregs);
    struct kvm_regs regs = { .rip = RAM_GPA, .rflags = 0x2 };
    IOCTL(vcpu_fd, KVM_SET_REGS, &regs);

    // efd: the doorbell's (ioeventfd) or the interrupt's (irqfd); ack: the guest's acks (irqfd)
    int efd = eventfd(0, EFD_CLOEXEC), ack = eventfd(0, EFD_CLOEXEC);
    if (efd < 0 || ack < 0)
        die("eventfd");
    pthread_t thread;
    double t0, t1;
    if (mode == 1) {
        // Every exit comes back to this thread: no other thread is involved.
        expect_mmio = MMIO_EXIT;
        t0 = now_ns();
        run_vcpu(NULL);
        t1 = now_ns();
    } else if (mode == 2) {
        add_ioeventfd(vm, efd, DOORBELL);
        t0 = now_ns();
        if ((errno = pthread_create(&thread, NULL, run_vcpu, NULL)))
            die("pthread_create");
        for (uint64_t seen = 0; seen < count;)
            seen += read_eventfd(efd);
        t1 = now_ns();
    } else {
        struct kvm_irqfd irqfd = { .fd = efd, .gsi = IRQ_GSI };
        IOCTL(vm, KVM_IRQFD, &irqfd);
        add_ioeventfd(vm, ack, ACK);
        if ((errno = pthread_create(&thread, NULL, run_vcpu, NULL)))
            die("pthread_create");
        read_eventfd(ack); // the guest has set up its APIC and IOAPIC
        uint64_t one = 1;
        t0 = now_ns();
        // Strictly one interrupt in flight: an edge raised before the last one was taken
        // could merge with it, and the count would never be reached.
        for (unsigned long i = 0; i < count; i++) {
            if (write(efd, &one, 8) != 8)
                die("write irqfd");
            read_eventfd(ack);
        }
        t1 = now_ns();
    }
    if (mode != 1 && (errno = pthread_join(thread, NULL)))
        die("pthread_join");
    if (guest_exit != 0) {
        fprintf(stderr, "kvmbench: guest exit code %d\n", guest_exit);
        return 1;
    }
    printf("%s ns_per_op=%.1f count=%lu\n", modes[mode], (t1 - t0) / count, count);

    close(ack);
    close(efd);
    munmap(run, run_size);
    close(vcpu_fd);
    close(vm);
    munmap(ram, RAM_SIZE);
    close(kvm);
    return 0;
}
