/**
 * The hot-swap soak: VMs whose guests ring ioeventfd doorbells and take irqfd interrupts without
 * pause while every function bundle is replaced over and over (forced undeploy and redeploy,
 * {@code Bundle.update}, package refresh). It counts what the guests did against what the VMM
 * saw, so that a ring or an interrupt lost during a swap shows, and checks that nothing is left
 * behind afterwards.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package org.gunyah.vmm.soak;
