/**
 * The translator of the emulated vCPU: hot guest code (a branch target reached often) becomes a
 * JVM method, a {@link org.gunyah.vmm.hypervisor.emulated.translate.Region} of up to 32
 * instructions within one page, so that C2 compiles it with the decoding folded away and the
 * guest's loops as JVM loops. The guest registers it uses are JVM locals within it, the common
 * integer instructions and loads and stores bytecode over them. The interpreter stays the
 * reference: a region does what the interpreter's code does for each instruction (its arithmetic,
 * or a call of it), ends before anything it does not translate, and a fault in it is taken
 * exactly as the interpreter takes it.
 */
package org.gunyah.vmm.hypervisor.emulated.translate;
