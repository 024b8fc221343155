/**
 * The native backend: Gunyah's resource manager and hypercalls over Linux KVM on x86-64, driven
 * through {@code java.lang.foreign} only. Registered by {@link org.gunyah.vmm.hypervisor.kvm.KvmBackend}
 * where /dev/kvm works. Guests are 32-bit x86 programs (see {@code vm.X86Entry} for the state they
 * start in); doorbells are IOAPIC GSIs; irqfds and ioeventfds become KVM_IRQFD and KVM_IOEVENTFD.
 * Nothing here is exported.
 */
package org.gunyah.vmm.hypervisor.kvm;
