/*
 * The kernel's side of the fn_cycle benchmark: what adding and removing an ioeventfd costs when
 * nothing but KVM does it. A VM with an in-kernel irqchip (as the Java side's VMs have), an
 * eventfd, and a loop of KVM_IOEVENTFD assign + deassign at one address (len 4, no datamatch).
 *
 *   fncycle <count>      prints: fn_cycle_c ops_per_s=<value> count=<count>
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static void check(int rc, const char *what)
{
	if (rc < 0) {
		fprintf(stderr, "fncycle: %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fncycle <count>\n");
		return 2;
	}
	long count = atol(argv[1]);
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	check(kvm, "open /dev/kvm");
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	check(vm, "KVM_CREATE_VM");
	check(ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000), "KVM_SET_TSS_ADDR");
	check(ioctl(vm, KVM_CREATE_IRQCHIP, 0), "KVM_CREATE_IRQCHIP");
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	check(efd, "eventfd");
	struct kvm_ioeventfd assign = { .addr = 0x0a000000, .len = 4, .fd = efd };
	struct kvm_ioeventfd deassign = assign;
	deassign.flags = KVM_IOEVENTFD_FLAG_DEASSIGN;

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < count; i++) {
		check(ioctl(vm, KVM_IOEVENTFD, &assign), "KVM_IOEVENTFD assign");
		check(ioctl(vm, KVM_IOEVENTFD, &deassign), "KVM_IOEVENTFD deassign");
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("fn_cycle_c ops_per_s=%.1f count=%ld\n", count / s, count);
	close(efd);
	close(vm);
	close(kvm);
	return 0;
}
