// Echoes what its PL011 receives, taking the UART's receive interrupts (SPI 1, INTID 33, level);
// a '.' ends the guest with the number of bytes it echoed before it as its exit code.
        .equ UART,    0x09002000
        .equ GICD,    0x08000000
        .equ EXIT,    0x09001000
        .equ DR,      0x000
        .equ FR,      0x018
        .equ LCR_H,   0x02c
        .equ CR,      0x030
        .equ IMSC,    0x038
        .equ ICR,     0x044

        .text
_start:
        adr     x1, stack_top
        mov     sp, x1
        adr     x1, vectors
        msr     vbar_el1, x1
        ldr     x1, =GICD                     // the GIC: SPI 1 (INTID 33) in group 1, enabled
        mov     w2, #0x2
        str     w2, [x1, #0x84]               // GICD_IGROUPR1
        str     w2, [x1, #0x104]              // GICD_ISENABLER1
        mov     w2, #0x12                     // GICD_CTLR: ARE, EnableGrp1
        str     w2, [x1]
        mov     x2, #7
        msr     icc_sre_el1, x2
        mov     x2, #0xff
        msr     icc_pmr_el1, x2
        mov     x2, #1
        msr     icc_igrpen1_el1, x2
        ldr     x19, =UART
        mov     w2, #0x70                     // 8 bits, FIFOs on
        str     w2, [x19, #LCR_H]
        mov     w2, #0x7ff
        str     w2, [x19, #ICR]
        mov     w2, #0x50                     // the receive and receive-timeout interrupts
        str     w2, [x19, #IMSC]
        mov     w2, #0x301                    // UARTEN, TXE, RXE
        str     w2, [x19, #CR]
        mov     x20, #0
1:      msr     daifclr, #2
        wfi
        b       1b

irq:
        mrs     x0, icc_iar1_el1
        cmp     x0, #1023
        b.eq    4f
2:      ldr     w1, [x19, #FR]
        tbnz    w1, #4, 3f                    // RXFE: the FIFO is drained
        ldr     w1, [x19, #DR]
        and     w1, w1, #0xff
        cmp     w1, #'.'
        b.eq    5f
        str     w1, [x19, #DR]
        add     x20, x20, #1
        b       2b
3:      msr     icc_eoir1_el1, x0
4:      eret
5:      ldr     x1, =EXIT
        str     x20, [x1]
6:      b       6b

        .ltorg
        .balign 2048
vectors:
        .space  0x280
        b       irq
        .space  0x800 - 0x284

        .balign 16
        .space  1024
stack_top:
