// Every instruction form and alias the assembler supports, checked byte for byte against GNU as.
        .equ    CONST, 0x12345678
        .text
start:
        movz    x0, #1
        movz    x1, #0xffff, lsl #48
        movn    w2, #5
        movk    x3, #0xabcd, lsl #16
        mov     x4, #0x10000
        mov     x5, #-1
        mov     w6, #0xffff0000
        mov     x7, #0x5555555555555555
        mov     w8, #0xff
        mov     x9, x10
        mov     w11, w12
        mov     sp, x13
        mov     x14, sp
        add     x0, x1, #4095
        add     x0, x1, #1, lsl #12
        add     w2, w3, #7
        add     sp, sp, #16
        sub     sp, sp, #0x20
        adds    x4, x5, #1
        subs    w6, w7, #2
        add     x0, x1, x2
        add     x0, x1, x2, lsl #3
        sub     w3, w4, w5, asr #2
        adds    x6, x7, x8, lsr #63
        add     x9, sp, x10
        add     sp, sp, x11
        add     x12, x13, w14, uxtw #2
        sub     x15, x16, w17, sxtw
        cmp     x1, #0
        cmp     w2, w3
        cmn     x4, #5
        cmp     x5, x6, lsl #4
        neg     x7, x8
        negs    w9, w10
        and     x0, x1, x2
        ands    w3, w4, w5, lsl #1
        orr     x6, x7, x8, ror #5
        eor     w9, w10, w11
        bic     x12, x13, x14
        orn     w15, w16, w17
        eon     x18, x19, x20
        tst     x21, x22
        mvn     w23, w24
        and     x0, x1, #0xff
        orr     w2, w3, #0x80000000
        eor     x4, x5, #0xaaaaaaaaaaaaaaaa
        ands    w6, w7, #0x3
        tst     x8, #0x100
        and     sp, x9, #0xfffffffffffffff0
        lsl     x0, x1, #3
        lsl     w2, w3, #31
        lsr     x4, x5, #1
        asr     w6, w7, #4
        ror     x8, x9, #7
        lsl     x10, x11, x12
        lsr     w13, w14, w15
        asr     x16, x17, x18
        ror     w19, w20, w21
        ubfx    x0, x1, #4, #8
        sbfx    w2, w3, #1, #3
        bfi     x4, x5, #8, #4
        ubfiz   w6, w7, #2, #5
        uxtb    w8, w9
        uxth    w10, w11
        sxtb    x12, w13
        sxth    w14, w15
        sxtw    x16, w17
        ubfm    x18, x19, #3, #60
        sbfm    w20, w21, #0, #7
        mul     x0, x1, x2
        madd    w3, w4, w5, w6
        msub    x7, x8, x9, x10
        mneg    w11, w12, w13
        smulh   x14, x15, x16
        umulh   x17, x18, x19
        udiv    w20, w21, w22
        sdiv    x23, x24, x25
        clz     x0, x1
        rbit    w2, w3
        rev     x4, x5
        rev     w6, w7
        csel    x0, x1, x2, eq
        csinc   w3, w4, w5, ne
        csinv   x6, x7, x8, hs
        csneg   w9, w10, w11, lo
        cset    x12, mi
        csetm   w13, pl
        cinc    x14, x15, vs
        cinv    w16, w17, vc
        cneg    x18, x19, hi
        ccmp    x0, x1, #4, ls
        ccmp    w2, #5, #0, ge
        ccmn    x3, #1, #2, lt
1:      b       1b
        b       2f
        bl      start
        b.eq    1b
        b.ne    2f
        b.cs    1b
        b.cc    1b
        b.gt    1b
        b.le    1b
        b.al    1b
2:      cbz     x0, 1b
        cbnz    w1, 2b
        tbz     x2, #63, 1b
        tbnz    w3, #0, 2b
        br      x4
        blr     x5
        ret
        ret     x6
        eret
        adr     x7, start
        adr     x8, 3f
        adrp    x9, start
3:      ldr     x0, [x1]
        ldr     w2, [x3, #4]
        ldr     x4, [sp, #32760]
        ldrb    w5, [x6, #4095]
        ldrh    w7, [x8, #2]
        ldrsb   x9, [x10]
        ldrsb   w11, [x12, #1]
        ldrsh   x13, [x14, #-2]
        ldrsw   x15, [x16, #8]
        str     x17, [x18, #-8]
        str     w19, [x20, #3]
        strb    w21, [x22, #-1]
        strh    w23, [x24, #6]
        ldur    x25, [x26, #1]
        stur    w27, [x28, #-4]
        ldr     x0, [x1, #16]!
        str     w2, [sp, #-16]!
        ldr     x3, [x4], #8
        strb    w5, [x6], #1
        ldrb    w7, [x8], #-1
        ldr     x9, [x10, x11]
        ldr     x12, [x13, x14, lsl #3]
        ldr     w15, [x16, w17, uxtw #2]
        ldrb    w18, [x19, x20]
        ldrsw   x21, [x22, w23, sxtw]
        str     x24, [x25, x26, lsl #3]
        ldr     x27, 3b
        ldrsw   x28, 3b
        ldp     x0, x1, [sp]
        ldp     w2, w3, [x4, #8]
        stp     x5, x6, [sp, #-16]!
        ldp     x7, x8, [sp], #16
        stp     w9, w10, [x11, #-8]
        ldpsw   x12, x13, [x14, #4]
        ldadd   x0, x1, [x2]
        ldadd   w3, w4, [x5]
        ldaddal x6, x7, [sp]
        ldadda  w8, w9, [x10]
        ldaddl  x11, x12, [x13]
        stadd   x14, [x15]
        hvc     #0
        hvc     #0xffff
        wfi
        wfe
        nop
        yield
        isb
        dsb     sy
        dmb     ish
        mrs     x0, mpidr_el1
        mrs     x1, icc_iar1_el1
        msr     icc_eoir1_el1, x2
        msr     icc_pmr_el1, x3
        msr     icc_igrpen1_el1, x4
        mrs     x5, icc_sre_el1
        msr     icc_sgi1r_el1, x6
        msr     icc_dir_el1, x7
        mrs     x8, icc_rpr_el1
        mrs     x9, icc_hppir1_el1
        msr     icc_ctlr_el1, x10
        msr     icc_bpr1_el1, x11
        mrs     x12, icc_ap1r0_el1
        mrs     x13, icc_iar0_el1
        msr     icc_eoir0_el1, x14
        msr     icc_igrpen0_el1, x15
        msr     icc_sgi0r_el1, x16
        msr     vbar_el1, x3
        mrs     x4, elr_el1
        msr     spsr_el1, x5
        mrs     x6, currentel
        mrs     x7, daif
        msr     nzcv, x8
        mrs     x9, cntvct_el0
        msr     tpidr_el1, x10
        mrs     x11, s3_0_c12_c12_0
        msr     daifset, #2
        msr     daifclr, #0xf
        msr     spsel, #1
        ldr     x0, =0x1122334455667788
        ldr     x1, =CONST
        ldr     w2, =0xdeadbeef
        ldr     x3, =start
        ldr     x4, =0x1122334455667788
        .ltorg
data:   .byte   1, 2, 0xff
        .hword  0x1234
        .balign 4
        .word   CONST, data - start
        .quad   -1, start
        .ascii  "ab"
        .asciz  "c\n"
        .balign 16
        .space  5, 0xaa
        .align  3
        ldr     x5, =0xcafe
