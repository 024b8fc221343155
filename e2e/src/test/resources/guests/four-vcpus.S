// The end-to-end guest of the function bundles, on 4 vCPUs (told apart by MPIDR_EL1):
//   vCPU 0  prints "boot\n", rings the ioeventfd doorbells (RINGS times at DB_ANY, RINGS times
//           the matching value at DB_MATCH, MISSES times a value nobody matches), waits until
//           vCPUs 1, 2 and 3 are done, then exits with status count1 * 1000 + count2.
//   vCPU 1  takes IRQS edge interrupts, one at a time: it asks for each through READY (an MMIO
//   vCPU 2  exit the host answers by signalling that vCPU's irqfd), then sleeps in WFI until its
//           handler has counted it. vCPU 1's doorbell is edge, vCPU 2's is level.
//   vCPU 3  prints "3\n", says it is done and powers itself off (PSCI CPU_OFF).
        .equ CONSOLE,     0x09000000
        .equ READY,       0x09000100        // + 8 * cpu: "ready for interrupt k" (k written)
        .equ DB_ANY,      0x09002000
        .equ DB_MATCH,    0x09002008
        .equ MATCH_VALUE, 0x5a
        .equ MISS_VALUE,  0x5b
        .equ RINGS,       100
        .equ MISSES,      3
        .equ IRQS,        50
        .equ GUEST_EXIT,  0xc6000001
        .equ PSCI_CPU_OFF, 0x84000002
        .equ GICD,     0x08000000
        .equ GICR,     0x080a0000

        .text
        .global _start
_start:
        mrs     x19, mpidr_el1
        and     x19, x19, #0xff               // x19 = cpu index
        adr     x1, stacks_top
        lsl     x2, x19, #10
        sub     x1, x1, x2                    // 1 KiB of stack per vCPU
        mov     sp, x1
        adr     x1, vectors
        msr     vbar_el1, x1
        bl      gic_init
        cmp     x19, #0
        b.eq    cpu0
        cmp     x19, #3
        b.eq    cpu3
        b       counter

// ---- vCPU 0 ---------------------------------------------------------------------------
cpu0:
        adr     x0, boot_msg
        bl      puts
        ldr     x1, =DB_ANY
        mov     x2, #RINGS
1:      str     w2, [x1]                      // no datamatch: any 4-byte write counts
        subs    x2, x2, #1
        b.ne    1b
        ldr     x1, =DB_MATCH
        mov     x2, #RINGS
        mov     w3, #MATCH_VALUE
2:      str     w3, [x1]
        subs    x2, x2, #1
        b.ne    2b
        mov     x2, #MISSES
        mov     w3, #MISS_VALUE
3:      str     w3, [x1]                      // exits to the VMM: nobody matches it
        subs    x2, x2, #1
        b.ne    3b
        adr     x4, done
4:      ldr     x5, [x4]                      // wait for vCPUs 1, 2 and 3
        cmp     x5, #3
        b.ne    4b
        adr     x4, counts
        ldr     x5, [x4, #8]
        ldr     x6, [x4, #16]
        mov     x7, #1000
        madd    x1, x5, x7, x6
        ldr     x0, =GUEST_EXIT
        hvc     #0
12:     b       12b

// ---- vCPUs 1 and 2 --------------------------------------------------------------------
counter:
        adr     x20, counts
        add     x20, x20, x19, lsl #3         // x20 = &counts[cpu]
        ldr     x21, =READY
        add     x21, x21, x19, lsl #3         // x21 = this vCPU's READY register
        mov     x22, #0                       // interrupts asked for
5:      cmp     x22, #IRQS
        b.eq    7f
        msr     daifset, #2                   // check and sleep with IRQs masked: no lost wakeup
        str     x22, [x21]                    // ask for interrupt number x22
        add     x22, x22, #1
6:      ldr     x1, [x20]
        cmp     x1, x22
        b.ge    5b
        wfi
        msr     daifclr, #2                   // take it here
        isb
        msr     daifset, #2
        b       6b
7:      adr     x4, done
        mov     x5, #1
        ldadd   x5, x5, [x4]
8:      wfi
        b       8b

// ---- vCPU 3 ---------------------------------------------------------------------------
cpu3:
        adr     x0, three_msg
        bl      puts
        adr     x4, done                      // vCPU 0 exits the guest only after this line
        mov     x5, #1
        ldadd   x5, x5, [x4]
        ldr     x0, =PSCI_CPU_OFF
        hvc     #0
13:     b       13b

// puts(x0): bytes to CONSOLE until NUL
puts:
        ldr     x1, =CONSOLE
9:      ldrb    w2, [x0], #1
        cbz     w2, 10f
        strb    w2, [x1]
        b       9b
10:     ret

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

// ---- IRQ: count the interrupt for this vCPU -------------------------------------------
irq:
        stp     x0, x1, [sp, #-16]!
        stp     x2, x3, [sp, #-16]!
        mrs     x0, icc_iar1_el1
        cmp     x0, #1023
        b.eq    11f
        mrs     x1, mpidr_el1
        and     x1, x1, #0xff
        adr     x2, counts
        add     x2, x2, x1, lsl #3
        ldr     x3, [x2]
        add     x3, x3, #1
        str     x3, [x2]
        msr     icc_eoir1_el1, x0
11:     ldp     x2, x3, [sp], #16
        ldp     x0, x1, [sp], #16
        eret

// ---- data -----------------------------------------------------------------------------
boot_msg:  .asciz "boot\n"
three_msg: .asciz "3\n"
        .ltorg
        .balign 8
counts: .quad 0, 0, 0, 0
done:   .quad 0

        .balign 2048
vectors:
        .space  0x280
        b       irq
        .space  0x800 - 0x284

        .balign 16
        .space  4096
stacks_top:
