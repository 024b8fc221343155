// Entering and leaving a test case's instruction sequence. run_case saves the harness's
// callee-saved registers, loads every register from state_in (x30 last, it is the base) and
// branches to CODE_BASE; the sequence ends with a branch to save_state, which parks x0 in
// TPIDR_EL0 (the only register no instruction under test touches), stores every register to
// state_out, restores the harness's registers and TPIDR_EL0, and returns from run_case.
        // code_base is CODE_BASE (harness.h), defined at link time: -Wl,--defsym=code_base=0x01000000

        .text
        .global run_case
run_case:
        adrp    x9, ctx
        add     x9, x9, :lo12:ctx
        stp     x19, x20, [x9, #0]
        stp     x21, x22, [x9, #16]
        stp     x23, x24, [x9, #32]
        stp     x25, x26, [x9, #48]
        stp     x27, x28, [x9, #64]
        stp     x29, x30, [x9, #80]
        mov     x10, sp
        str     x10, [x9, #96]
        mrs     x10, tpidr_el0
        str     x10, [x9, #104]
        stp     d8, d9, [x9, #112]
        stp     d10, d11, [x9, #128]
        stp     d12, d13, [x9, #144]
        stp     d14, d15, [x9, #160]

        adrp    x30, state_in
        add     x30, x30, :lo12:state_in
        add     x0, x30, #288
        ldp     q0, q1, [x0], #32
        ldp     q2, q3, [x0], #32
        ldp     q4, q5, [x0], #32
        ldp     q6, q7, [x0], #32
        ldp     q8, q9, [x0], #32
        ldp     q10, q11, [x0], #32
        ldp     q12, q13, [x0], #32
        ldp     q14, q15, [x0], #32
        ldp     q16, q17, [x0], #32
        ldp     q18, q19, [x0], #32
        ldp     q20, q21, [x0], #32
        ldp     q22, q23, [x0], #32
        ldp     q24, q25, [x0], #32
        ldp     q26, q27, [x0], #32
        ldp     q28, q29, [x0], #32
        ldp     q30, q31, [x0], #32
        ldr     x0, [x30, #264]
        msr     fpsr, x0
        ldr     x0, [x30, #272]
        msr     fpcr, x0
        ldr     x0, [x30, #256]
        msr     nzcv, x0
        ldr     x0, [x30, #248]
        mov     sp, x0
        ldp     x0, x1, [x30, #0]
        ldp     x2, x3, [x30, #16]
        ldp     x4, x5, [x30, #32]
        ldp     x6, x7, [x30, #48]
        ldp     x8, x9, [x30, #64]
        ldp     x10, x11, [x30, #80]
        ldp     x12, x13, [x30, #96]
        ldp     x14, x15, [x30, #112]
        ldp     x16, x17, [x30, #128]
        ldp     x18, x19, [x30, #144]
        ldp     x20, x21, [x30, #160]
        ldp     x22, x23, [x30, #176]
        ldp     x24, x25, [x30, #192]
        ldp     x26, x27, [x30, #208]
        ldp     x28, x29, [x30, #224]
        ldr     x30, [x30, #240]
        b       code_base

        .global save_state
save_state:
        msr     tpidr_el0, x0
        adrp    x0, state_out
        add     x0, x0, :lo12:state_out
        str     x1, [x0, #8]
        stp     x2, x3, [x0, #16]
        stp     x4, x5, [x0, #32]
        stp     x6, x7, [x0, #48]
        stp     x8, x9, [x0, #64]
        stp     x10, x11, [x0, #80]
        stp     x12, x13, [x0, #96]
        stp     x14, x15, [x0, #112]
        stp     x16, x17, [x0, #128]
        stp     x18, x19, [x0, #144]
        stp     x20, x21, [x0, #160]
        stp     x22, x23, [x0, #176]
        stp     x24, x25, [x0, #192]
        stp     x26, x27, [x0, #208]
        stp     x28, x29, [x0, #224]
        mrs     x1, nzcv
        str     x1, [x0, #256]
        str     x30, [x0, #240]
        mrs     x1, tpidr_el0
        str     x1, [x0, #0]
        mov     x1, sp
        str     x1, [x0, #248]
        mrs     x1, fpsr
        str     x1, [x0, #264]
        add     x1, x0, #288
        stp     q0, q1, [x1], #32
        stp     q2, q3, [x1], #32
        stp     q4, q5, [x1], #32
        stp     q6, q7, [x1], #32
        stp     q8, q9, [x1], #32
        stp     q10, q11, [x1], #32
        stp     q12, q13, [x1], #32
        stp     q14, q15, [x1], #32
        stp     q16, q17, [x1], #32
        stp     q18, q19, [x1], #32
        stp     q20, q21, [x1], #32
        stp     q22, q23, [x1], #32
        stp     q24, q25, [x1], #32
        stp     q26, q27, [x1], #32
        stp     q28, q29, [x1], #32
        stp     q30, q31, [x1], #32
        msr     fpcr, xzr

        adrp    x9, ctx
        add     x9, x9, :lo12:ctx
        ldp     x19, x20, [x9, #0]
        ldp     x21, x22, [x9, #16]
        ldp     x23, x24, [x9, #32]
        ldp     x25, x26, [x9, #48]
        ldp     x27, x28, [x9, #64]
        ldp     x29, x30, [x9, #80]
        ldr     x10, [x9, #96]
        mov     sp, x10
        ldr     x10, [x9, #104]
        msr     tpidr_el0, x10
        ldp     d8, d9, [x9, #112]
        ldp     d10, d11, [x9, #128]
        ldp     d12, d13, [x9, #144]
        ldp     d14, d15, [x9, #160]
        ret

        .bss
        .balign 16
ctx:    .skip   176
