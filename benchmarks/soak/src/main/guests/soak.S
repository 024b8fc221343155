// The soak guest (AArch64, emulated backend), loaded at 0x40000000 on 4 vCPUs. Every vCPU i, for
// as long as the host leaves STOP at 0: counts a ring in WRITES[i], rings its doorbell at
// DOORBELL + 8 * i (an ioeventfd the VMM answers with irqfd label i + 1, aimed at vCPU i) and
// sleeps until its interrupt handler has counted the answer in TAKEN[i]. So every ring waits for
// exactly one interrupt: a ring or an interrupt lost while function bundles are replaced leaves
// its vCPU asleep for good. When the host sets STOP, each vCPU finishes its round, counts itself
// in STOPPED, and vCPU 0 then writes 0 to the exit register.
        .equ EXIT,     0x09001000
        .equ DOORBELL, 0x0a000000
        .equ DATA,     0x40080000              // WRITES[4] +0, TAKEN[4] +32, STOP +64, STOPPED +72
        .equ TAKEN,    0x40080020
        .equ VCPUS,    4
        .equ GICD,     0x08000000
        .equ GICR,     0x080a0000

        .text
_start:
        mrs     x19, mpidr_el1
        and     x19, x19, #0xff               // x19 = vCPU index
        adr     x1, stacks_top
        lsl     x2, x19, #10
        sub     sp, x1, x2                    // 1 KiB of stack each
        adr     x1, vectors
        msr     vbar_el1, x1
        bl      gic_init
        ldr     x20, =DATA
        add     x21, x20, x19, lsl #3         // &WRITES[i]
        add     x22, x21, #32                 // &TAKEN[i]
        ldr     x23, =DOORBELL
        add     x23, x23, x19, lsl #3         // this vCPU's doorbell
        msr     daifset, #2                   // check and sleep with IRQs masked: no lost wakeup
1:      ldr     x1, [x20, #64]
        cbnz    x1, 4f                        // STOP
        ldr     x2, [x21]
        add     x2, x2, #1
        str     x2, [x21]                     // counted before it is made
        str     w2, [x23]                     // ring
2:      ldr     x1, [x22]
        cmp     x1, x2
        b.ge    1b
        wfi
        msr     daifclr, #2                   // take it here
        isb
        msr     daifset, #2
        b       2b

4:      add     x1, x20, #72
        mov     x2, #1
        ldadd   x2, x3, [x1]                  // STOPPED += 1
        cbnz    x19, 6f
5:      ldr     x2, [x1]
        cmp     x2, #VCPUS
        b.lt    5b
        ldr     x1, =EXIT
        str     xzr, [x1]
6:      wfi
        b       6b

// The GICv3 as a guest sets it up, on every vCPU (the distributor's part is the same each time):
// SPIs 32..127 in group 1 and enabled, left routed where the devicetree's doorbell nodes aim
// them (the GIC's reset routing), group 1 enabled; this vCPU's redistributor awake; its CPU
// interface through system registers, every priority unmasked, group 1 enabled.
gic_init:
        ldr     x1, =GICD
        mov     w2, #0xffffffff
        str     w2, [x1, #0x84]               // GICD_IGROUPR1..3
        str     w2, [x1, #0x88]
        str     w2, [x1, #0x8c]
        str     w2, [x1, #0x104]              // GICD_ISENABLER1..3
        str     w2, [x1, #0x108]
        str     w2, [x1, #0x10c]
        mov     w2, #0x12                     // GICD_CTLR: ARE, EnableGrp1
        str     w2, [x1]
        ldr     x1, =GICR
        add     x1, x1, x19, lsl #17          // this vCPU's redistributor: 128 KiB each
        str     wzr, [x1, #0x14]              // GICR_WAKER: ProcessorSleep = 0
        mov     x2, #7
        msr     icc_sre_el1, x2               // SRE, DFB, DIB
        mov     x2, #0xff
        msr     icc_pmr_el1, x2
        mov     x2, #1
        msr     icc_igrpen1_el1, x2
        isb
        ret

// IRQ: acknowledge, count in TAKEN[this vCPU], end
irq:
        stp     x0, x1, [sp, #-16]!
        stp     x2, x3, [sp, #-16]!
        mrs     x0, icc_iar1_el1
        cmp     x0, #1023                     // spurious
        b.eq    7f
        mrs     x2, mpidr_el1
        and     x2, x2, #0xff
        ldr     x3, =TAKEN
        add     x3, x3, x2, lsl #3
        ldr     x1, [x3]
        add     x1, x1, #1
        str     x1, [x3]
        msr     icc_eoir1_el1, x0
7:      ldp     x2, x3, [sp], #16
        ldp     x0, x1, [sp], #16
        eret

        .ltorg
        .balign 2048
vectors:
        .space  0x280
        b       irq                           // IRQ from EL1 with SP_ELx
        .space  0x800 - 0x284

        .balign 16
        .space  4096
stacks_top:
