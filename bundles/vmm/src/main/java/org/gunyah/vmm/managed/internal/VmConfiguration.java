package org.gunyah.vmm.managed.internal;

import org.gunyah.vmm.managed.VmDeclaration;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A declared VM's configuration ({@code conf/org.gunyah.vmm.vm-<name>.cfg}), as DS hands it to
 * {@link DeclaredVm}; see {@link VmDeclaration} for each property's syntax.
 *
 * <p>Numbers and sizes stay text here: the declaration's syntax (sizes with K, M, G; numbers in
 * any base) is richer than the metatype's types, and a malformed value must be refused with
 * EINVAL naming the property, where DS would quietly convert it to a default.
 */
@ObjectClassDefinition(
        id = VmDeclaration.FACTORY_PID,
        name = "Gunyah VM",
        description = "A VM the runtime creates, equips and runs for as long as its configuration exists")
public @interface VmConfiguration {
    @AttributeDefinition(description = "unique name: a letter, then up to 62 letters, digits, '.', '_' or '-'")
    String name();

    @AttributeDefinition(required = false, description = "backend (emulated, kvm); empty for the preferred one")
    String hypervisor() default "";

    @AttributeDefinition(description = "guest RAM, with K, M or G")
    String memory() default "16M";

    @AttributeDefinition(
            required = false,
            description = "raw image at the start of RAM, relative to the runtime's folder")
    String image() default "";

    @AttributeDefinition(
            required = false,
            description = "arm64 Linux kernel Image, relative to the runtime's folder (instead of image)")
    String kernel() default "";

    @AttributeDefinition(required = false, description = "initramfs for the kernel, relative to the runtime's folder")
    String initrd() default "";

    @AttributeDefinition(required = false, description = "the kernel's command line, such as console=ttyAMA0")
    String bootargs() default "";

    @AttributeDefinition(description = "number of vCPUs, 1 to 64")
    String vcpus() default "1";

    @AttributeDefinition(required = false, description = "irqfds: label=N [level=true] [cpu=N]")
    String[] irqfds() default {};

    @AttributeDefinition(required = false, description = "ioeventfds: addr=A len=L [datamatch=D] [irq=LABEL]")
    String[] ioeventfds() default {};

    @AttributeDefinition(
            required = false,
            description = "functions of any type by its name: NAME arg=HEX, or a built-in's fields (see VmDeclaration)")
    String[] functions() default {};

    @AttributeDefinition(required = false, description = "device models: console, exit-register, pl011")
    String[] devices() default {"console", "exit-register"};

    @AttributeDefinition(
            required = false,
            description = "the VM ends CRASHED after this long without console output (500ms, 30s, 2m); empty: never")
    String watchdog() default "";

    @AttributeDefinition(description = "what the guest's reset does: stop, or restart (a new VM from this declaration)")
    String reset() default "stop";
}
