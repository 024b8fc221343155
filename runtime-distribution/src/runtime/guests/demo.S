// The demo guest (AArch64, for the emulated backend), loaded at 0x40000000 on 2 vCPUs.
//   vCPU 0  greets on its console register, then ROUNDS times rings the doorbell (an ioeventfd:
//           the write never leaves the VM manager) and sleeps until the interrupt the VMM answers
//           with (an irqfd) has been taken; then it waits for vCPU 1 and writes its verdict to
//           the exit register: 0 when every ring was answered by exactly one interrupt.
//   vCPU 1  greets and says so.
        .equ CONSOLE,  0x09000000              // + 8 * vCPU: one byte per write
        .equ EXIT,     0x09001000              // the exit register: the guest's exit code
        .equ DOORBELL, 0x0a000000
        .equ ROUNDS,   8
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
        cbnz    x19, second

        adr     x0, hello0
        bl      puts
        ldr     x21, =DOORBELL
        adr     x20, taken
        mov     x22, #0                       // rings so far
1:      cmp     x22, #ROUNDS
        b.eq    3f
        msr     daifset, #2                   // check and sleep with IRQs masked: no lost wakeup
        add     x22, x22, #1
        str     w22, [x21]                    // ring
2:      ldr     x1, [x20]
        cmp     x1, x22
        b.ge    1b
        wfi
        msr     daifclr, #2                   // take it here
        isb
        msr     daifset, #2
        b       2b
3:      adr     x0, answered
        bl      puts
        adr     x4, second_done
4:      ldr     x5, [x4]
        cbz     x5, 4b
        ldr     x1, [x20]
        mov     x2, #0
        cmp     x1, #ROUNDS
        b.eq    5f
        mov     x2, #1
5:      ldr     x1, =EXIT
        str     x2, [x1]
6:      b       6b

second:
        adr     x0, hello1
        bl      puts
        adr     x4, second_done
        mov     x5, #1
        str     x5, [x4]
7:      wfi
        b       7b

// puts(x0): the NUL-terminated string at x0 to this vCPU's console register
puts:
        ldr     x1, =CONSOLE
        add     x1, x1, x19, lsl #3
8:      ldrb    w2, [x0], #1
        cbz     w2, 9f
        strb    w2, [x1]
        b       8b
9:      ret

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

// IRQ: acknowledge, count, end
irq:
        stp     x0, x1, [sp, #-16]!
        stp     x2, x3, [sp, #-16]!
        mrs     x0, icc_iar1_el1
        cmp     x0, #1023                     // spurious
        b.eq    10f
        adr     x2, taken
        ldr     x3, [x2]
        add     x3, x3, #1
        str     x3, [x2]
        msr     icc_eoir1_el1, x0
10:     ldp     x2, x3, [sp], #16
        ldp     x0, x1, [sp], #16
        eret

hello0:   .asciz "Hello from the Gunyah demo guest on vCPU 0"
hello1:   .asciz "Hello from vCPU 1\n"
answered: .asciz "\nvCPU 0: 8 doorbell rings, each answered by an interrupt\n"
        .ltorg
        .balign 8
taken:       .quad 0
second_done: .quad 0

        .balign 2048
vectors:
        .space  0x280
        b       irq                           // IRQ from EL1 with SP_ELx
        .space  0x800 - 0x284

        .balign 16
        .space  2048
stacks_top:
