// Rings the doorbell ROUNDS times, each time waiting for the interrupt the VMM answers with,
// then writes the number of interrupts it took to the exit register.
        .equ CONSOLE,  0x09000000
        .equ EXIT,     0x09001000
        .equ DOORBELL, 0x0a000000
        .equ ROUNDS,   3
        .equ GICD,     0x08000000
        .equ GICR,     0x080a0000

        .text
_start:
        adr     x1, stack_top
        mov     sp, x1
        adr     x1, vectors
        msr     vbar_el1, x1
        bl      gic_init
        ldr     x21, =DOORBELL
        adr     x20, taken
        mov     x22, #0
1:      cmp     x22, #ROUNDS
        b.eq    3f
        msr     daifset, #2                   // check and sleep with IRQs masked: no lost wakeup
        add     x22, x22, #1
        str     w22, [x21]
2:      ldr     x1, [x20]
        cmp     x1, x22
        b.ge    1b
        wfi
        msr     daifclr, #2
        isb
        msr     daifset, #2
        b       2b
3:      ldr     x1, =CONSOLE
        mov     w2, #'k'
        strb    w2, [x1]
        mov     w2, #'\n'
        strb    w2, [x1]
        ldr     x2, [x20]
        ldr     x1, =EXIT
        str     x2, [x1]
4:      b       4b

// The GICv3 as a guest sets it up: the distributor's SPIs 32..127 in group 1, enabled and
// routed to this vCPU (0), then group 1 enabled; the redistributor awake; the CPU interface
// through system registers, every priority unmasked, group 1 enabled.
gic_init:
        ldr     x1, =GICD
        mov     w2, #0xffffffff
        str     w2, [x1, #0x84]               // GICD_IGROUPR1..3
        str     w2, [x1, #0x88]
        str     w2, [x1, #0x8c]
        str     w2, [x1, #0x104]              // GICD_ISENABLER1..3
        str     w2, [x1, #0x108]
        str     w2, [x1, #0x10c]
        add     x3, x1, #0x6000               // GICD_IROUTER32..127 = Aff 0.0.0.0
        add     x3, x3, #256                  // ... from INTID 32
        mov     x4, #96
6:      str     xzr, [x3], #8
        subs    x4, x4, #1
        b.ne    6b
        mov     w2, #0x12                     // GICD_CTLR: ARE, EnableGrp1
        str     w2, [x1]
        ldr     x1, =GICR
        str     wzr, [x1, #0x14]              // GICR_WAKER: ProcessorSleep = 0
        mov     x2, #7
        msr     icc_sre_el1, x2
        mov     x2, #0xff
        msr     icc_pmr_el1, x2
        mov     x2, #1
        msr     icc_igrpen1_el1, x2
        isb
        ret

irq:
        stp     x0, x1, [sp, #-16]!
        mrs     x0, icc_iar1_el1
        cmp     x0, #1023
        b.eq    5f
        adr     x1, taken
        ldr     x2, [x1]
        add     x2, x2, #1
        str     x2, [x1]
        msr     icc_eoir1_el1, x0
5:      ldp     x0, x1, [sp], #16
        eret

        .ltorg
        .balign 8
taken:  .quad 0

        .balign 2048
vectors:
        .space  0x280
        b       irq
        .space  0x800 - 0x284

        .balign 16
        .space  1024
stack_top:
