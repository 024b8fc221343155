/**
 * For hypervisor backends: the resource manager's operations on one VM and the hypercalls on the
 * resources it hands out. A backend registers a {@link org.gunyah.vmm.spi.hypervisor.Hypervisor}
 * service; the framework drives it and never lets function bundles see it. Backends use this
 * package plus the value types it names from {@code org.gunyah.vmm.api} (errnos, eventfds, exit
 * information) and {@code org.gunyah.vmm.spi} (resource types, vCPU run results).
 *
 * <p><b>Concurrency.</b> The framework calls these interfaces from many threads (a vCPU's own,
 * the console's, the VM manager's, an eventfd's signaller), so implementations follow the
 * project's convention. State an object guards, with nobody waiting for it to change:
 * {@code synchronized} on the object, or on a private final field when its monitor must not be
 * exposed; no explicit {@code Lock} for that. A thread waiting for another thread's change (a
 * blocking read, a bounded wait at teardown): a {@code ReentrantLock} with one {@code Condition}
 * per thing waited for, named for it ({@code readable}, {@code runnerLeft}), awaited in a deadline
 * loop with {@code awaitNanos} and signalled with {@code signalAll} where the state changes; never
 * {@code Object.wait}/{@code notify} or {@code TimeUnit.timedWait}. A one-time event (a thread
 * started, a VM ended): {@code CompletableFuture} or {@code CountDownLatch}. A recurring event whose
 * signaller must never block (it holds other locks, or runs between guest instructions): a
 * {@code Phaser} of one party, each waiter re-checking its own condition. Lock-free hot paths
 * (a vCPU's run loop, an eventfd's signal and read): atomics and volatiles, with a comment saying
 * why no lock. Timeouts are measured with {@code System.nanoTime()}, never
 * {@code currentTimeMillis()}.
 * For a backend: {@code HypervisorVcpu.run} is called in a loop on the vCPU's thread and must stay
 * cheap; {@code kick} comes from other threads while it runs; and whatever frees what a run uses
 * waits, bounded, for a run in progress to return (the KVM backend's vCPU: condition
 * {@code runnerLeft}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.5.0")
package org.gunyah.vmm.spi.hypervisor;
