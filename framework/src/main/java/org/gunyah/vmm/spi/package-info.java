/**
 * For function bundles: the VM functions a bundle provides and the resources, tickets and IO
 * handlers they use.
 *
 * <p><b>Writing a function.</b> A function type is one bundle holding one Declarative Services
 * component:
 *
 * <pre>
 * &#64;VmFunctionType(type = 42, name = "counter")
 * &#64;Component(service = VmFunction.class)
 * public final class CounterFunction implements VmFunction {
 *     public Object bind(FunctionInstance instance) throws GunyahException { ... }
 *     public void unbind(FunctionInstance instance) { ... }
 *     public boolean compare(FunctionInstance instance, byte[] arg) { ... }
 * }
 * </pre>
 *
 * {@link org.gunyah.vmm.spi.VmFunctionType} is the one declaration of the type's number and name:
 * it gives the service its {@link org.gunyah.vmm.spi.VmFunction#TYPE} and
 * {@link org.gunyah.vmm.spi.VmFunction#NAME} properties and the bundle its
 * {@code gunyah.function} capability, by which the framework loads the bundle on the type's first
 * use. The contracts:
 *
 * <ul>
 *   <li>{@link org.gunyah.vmm.spi.VmFunction#bind} validates the argument ({@link
 *       org.gunyah.vmm.spi.FunctionInstance#arg}: the caller's bytes, in a layout the function
 *       defines), takes what the instance needs through its {@link
 *       org.gunyah.vmm.spi.FunctionInstance#vm() VM} (IO handlers, resource tickets, eventfds by
 *       number, state listeners), keeps its state with {@link
 *       org.gunyah.vmm.spi.FunctionInstance#setData}, and fails with a {@link
 *       org.gunyah.vmm.api.GunyahException} (EINVAL for a bad argument) leaving nothing behind.
 *   <li>{@link org.gunyah.vmm.spi.VmFunction#unbind} gives back everything bind took and cannot
 *       fail; it runs when the instance is removed, when the VM closes, and when the bundle goes
 *       away under running VMs (the framework unbinds every instance of the type first).
 *   <li>{@link org.gunyah.vmm.spi.VmFunction#compare} says whether a removal's argument names an
 *       instance.
 *   <li>An {@link org.gunyah.vmm.spi.IoHandler} runs on a vCPU thread for each matching guest
 *       write: quick, never blocking.
 * </ul>
 *
 * A function bundle imports {@code org.gunyah.vmm.api} and this package only. The test kit
 * ({@code org.gunyah.vmm:org.gunyah.vmm.testkit}) runs a function on a fake VM without OSGi; the
 * archetype {@code org.gunyah.vmm:org.gunyah.vmm.archetype.function} makes a project of such a
 * bundle; the project's README has the steps ("Writing a function").
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
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.4.0")
package org.gunyah.vmm.spi;
