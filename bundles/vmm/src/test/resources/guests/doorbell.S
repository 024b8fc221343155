// Rings the doorbell ROUNDS times, each time waiting for the interrupt the VMM answers with,
// then writes the number of interrupts it took to the exit register.
        .equ CONSOLE,  0x09000000
        .equ EXIT,     0x09001000
        .equ DOORBELL, 0x0a000000
        .equ ROUNDS,   3

        .text
_start:
        adr     x1, stack_top
        mov     sp, x1
        adr     x1, vectors
        msr     vbar_el1, x1
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
