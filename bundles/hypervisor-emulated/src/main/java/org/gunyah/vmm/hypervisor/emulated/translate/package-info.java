/**
 * The translator of the emulated vCPU: hot guest code (a branch target reached often) becomes a
 * JVM method, a {@link org.gunyah.vmm.hypervisor.emulated.translate.Region} of up to 32
 * instructions within one page, so that C2 compiles it with the decoding folded away and the
 * guest's loops as JVM loops. The interpreter stays the reference: a region runs the
 * interpreter's own code for each instruction, ends before anything it does not translate, and
 * a fault in it is taken exactly as the interpreter takes it.
 */
package org.gunyah.vmm.hypervisor.emulated.translate;
