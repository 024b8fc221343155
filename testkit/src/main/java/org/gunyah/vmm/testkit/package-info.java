/**
 * The test kit for function bundles: unit-test a {@link org.gunyah.vmm.spi.VmFunction} without a
 * VM, a hypervisor or OSGi (artifact {@code org.gunyah.vmm:org.gunyah.vmm.testkit}, test scope).
 *
 * <ul>
 *   <li>{@link org.gunyah.vmm.testkit.FunctionUnderTest}: a function with its
 *       {@link org.gunyah.vmm.spi.VmFunctionType} declaration read from its class, bound and
 *       unbound on a fake VM the way the framework does it (a failed bind must leave nothing).
 *   <li>{@link org.gunyah.vmm.testkit.FakeVmContext}: the VM as an instance sees it. IO handlers
 *       follow the framework's own table (the same EINVAL and EEXIST rules, the same matching of a
 *       guest write), eventfds are the framework's Java eventfds with eventfd(2) semantics, and
 *       the test plays the guest ({@code mmioWrite}) and the VM's life ({@code setState}).
 *   <li>{@link org.gunyah.vmm.testkit.FakeFunctionInstance}: one instance, its argument and
 *       private data.
 * </ul>
 *
 * What the kit does not do: run vCPUs or hand out hypervisor resources (a ticket is recorded, never
 * populated unless the test calls {@code populate} itself). For those, test in the runtime (the
 * archetype's Pax Exam test) or on the emulated backend.
 */
package org.gunyah.vmm.testkit;
