/**
 * The VM manager as its users see it: the equivalent of Linux's Gunyah uapi
 * ({@code include/uapi/linux/gunyah.h}), for VMMs, consoles and tests.
 *
 * <ul>
 *   <li>{@link org.gunyah.vmm.api.VmManager} is {@code /dev/gunyah}: it creates VMs
 *       ({@code GH_CREATE_VM}) and eventfds, and tells who listens when a function type's provider
 *       comes and goes.
 *   <li>{@link org.gunyah.vmm.api.Vm} is a VM's fd, its ioctls as methods: memory regions, the
 *       devicetree, start, {@code addFunction}/{@code removeFunction} with a
 *       {@link org.gunyah.vmm.api.FunctionDesc} ({@code struct gh_fn_desc}: a type number and the
 *       argument's bytes), close. {@link org.gunyah.vmm.api.Vcpu} runs a vCPU and reports its
 *       exits ({@link org.gunyah.vmm.api.VcpuExit}).
 *   <li>The arguments of the three built-in functions ({@link org.gunyah.vmm.api.VcpuArg},
 *       {@link org.gunyah.vmm.api.IrqfdArg}, {@link org.gunyah.vmm.api.IoeventfdArg}) encode and
 *       decode the uapi's little-endian layout exactly; {@link org.gunyah.vmm.api.FunctionType}
 *       has their numbers. Another function type defines its own argument bytes (at most
 *       {@code GH_FN_MAX_ARG_SIZE}, 256) and documents them.
 *   <li>{@link org.gunyah.vmm.api.EventFd} has eventfd(2)'s semantics; the VM manager makes them
 *       so that a native backend can hand out kernel eventfds.
 *   <li>Every failure a caller can cause is a {@link org.gunyah.vmm.api.GunyahException} carrying
 *       the {@link org.gunyah.vmm.api.Errno} Linux would return, and a message naming the value
 *       that was wrong. A failed call changes nothing.
 * </ul>
 *
 * Function bundles import this package and {@link org.gunyah.vmm.spi}; see there for how to write
 * one.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.4.0")
package org.gunyah.vmm.api;
